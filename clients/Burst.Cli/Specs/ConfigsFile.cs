using System.Text.Json;
using Burst.V1;

namespace Burst.Cli.Specs;

/// <summary>
/// Reads an explicit list of configs: a JSON array of objects mapping parameter names to numbers,
/// the format of shared/bench/census-configs-20.json.
/// </summary>
public static class ConfigsFile
{
    public static IReadOnlyList<ParamSet> Read(string path)
    {
        const string flag = "--configs";
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"{flag} {path}: {e.Message}", e);
        }

        return Parse(text, $"{flag} {path}");
    }

    public static IReadOnlyList<ParamSet> Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"{source}: not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new CliUsageException($"{source}: expected a JSON array of configs, found {Describe(document.RootElement.ValueKind)}");
            }

            var configs = new List<ParamSet>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new CliUsageException($"{source}: config [{index}] is {Describe(element.ValueKind)}, expected an object such as {{\"max_depth\": 4}}");
                }

                var config = new ParamSet();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var number))
                    {
                        throw new CliUsageException($"{source}: config [{index}] \"{property.Name}\" is {Describe(property.Value.ValueKind)}, expected a number");
                    }

                    config.Values[property.Name] = number;
                }

                configs.Add(config);
                index++;
            }

            if (configs.Count == 0)
            {
                throw new CliUsageException($"{source}: the list of configs is empty");
            }

            return configs;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
