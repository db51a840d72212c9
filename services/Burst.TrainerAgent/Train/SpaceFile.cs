using System.Text.Json;
using Burst.Training.Search;
using Burst.TrainerAgent.Cli;

namespace Burst.TrainerAgent.Train;

/// <summary>
/// A search space in <c>Search.space</c>'s proto3 JSON form, as shared/bench/wide-space.json writes
/// it: <c>{"max_depth": {"int_range": {"low": 2, "high": 10}}, ...}</c> with one of choice
/// {values}, uniform / log_uniform {low, high}, int_range {low, high}, poisson {mean},
/// exponential {scale} per parameter (lowerCamel names such as intRange are accepted too).
/// </summary>
internal static class SpaceFile
{
    public static SearchSpace Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"train: --space: no such file '{path}'.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"train: --space: '{path}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"train: --space: '{path}' must hold a JSON object mapping parameter names to distributions.");
            }

            var parameters = new Dictionary<string, ParamDistribution>(StringComparer.Ordinal);
            foreach (var parameter in document.RootElement.EnumerateObject())
            {
                try
                {
                    parameters[parameter.Name] = Distribution(parameter.Value);
                }
                catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
                {
                    throw new UsageException($"train: --space: '{parameter.Name}' in '{path}': {e.Message}");
                }
            }

            try
            {
                return new SearchSpace(parameters);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"train: --space: '{path}': {e.Message}");
            }
        }
    }

    private static ParamDistribution Distribution(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || element.EnumerateObject().Count() != 1)
        {
            throw new ArgumentException("give exactly one of choice, uniform, log_uniform, int_range, poisson, exponential.");
        }

        var kind = element.EnumerateObject().Single();
        var a = kind.Value;
        return kind.Name switch
        {
            "choice" => new Choice(Required(a, "values").EnumerateArray().Select(v => v.GetDouble()).ToArray()),
            "uniform" => new Uniform(Number(a, "low"), Number(a, "high")),
            "log_uniform" or "logUniform" => new LogUniform(Number(a, "low"), Number(a, "high")),
            "int_range" or "intRange" => new IntRange(Whole(a, "low"), Whole(a, "high")),
            "poisson" => new Poisson(Number(a, "mean")),
            "exponential" => new Exponential(Number(a, "scale")),
            _ => throw new ArgumentException($"unknown distribution '{kind.Name}': give one of choice, uniform, log_uniform, int_range, poisson, exponential."),
        };
    }

    private static JsonElement Required(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var value)
            ? value
            : throw new ArgumentException($"'{name}' is missing.");

    private static double Number(JsonElement arguments, string name)
    {
        // proto3 JSON writes an unset double as absent: it is 0.
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new ArgumentException($"'{name}' must be a number.");
    }

    private static long Whole(JsonElement arguments, string name)
    {
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var value))
        {
            return 0;
        }

        // proto3 JSON may write an int64 as a string.
        if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var whole) ? whole : throw new ArgumentException($"'{name}' must be a whole number.");
    }
}
