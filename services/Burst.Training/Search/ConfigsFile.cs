using System.Text.Json;

namespace Burst.Training.Search;

/// <summary>A configs file that cannot be used; the message names the source, the config and what is wrong.</summary>
public sealed class ConfigsFileException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>
/// The shared/bench configs format: a JSON array of objects mapping hyperparameter names to numbers,
/// e.g. <c>[{"max_depth": 4, "learning_rate": 0.1}]</c>. Read by <c>burst submit --configs</c> and
/// <c>burst-agent train --configs</c>; every config is checked against the known hyperparameters.
/// </summary>
public static class ConfigsFile
{
    /// <summary>Reads <paramref name="path"/>; errors start with <paramref name="source"/> (e.g. "--configs c.json").</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Read(string path, string source)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigsFileException($"{source}: {e.Message}", e);
        }

        return Parse(text, source);
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ConfigsFileException($"{source}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ConfigsFileException($"{source}: expected a JSON array of configs, found {Describe(document.RootElement.ValueKind)}");
            }

            var configs = new List<IReadOnlyDictionary<string, double>>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                configs.Add(ParseConfig(element, $"{source}: config [{index}]"));
                index++;
            }

            if (configs.Count == 0)
            {
                throw new ConfigsFileException($"{source}: the list of configs is empty");
            }

            return configs;
        }
    }

    private static SortedDictionary<string, double> ParseConfig(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ConfigsFileException($"{where} is {Describe(element.ValueKind)}, expected an object such as {{\"max_depth\": 4}}");
        }

        var config = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var number))
            {
                throw new ConfigsFileException($"{where} \"{property.Name}\" is {Describe(property.Value.ValueKind)}, expected a number");
            }

            config[property.Name] = number;
        }

        try
        {
            HyperParameters.Validate(config);
        }
        catch (ArgumentException e)
        {
            throw new ConfigsFileException($"{where}: {e.Message}", e);
        }

        return config;
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
