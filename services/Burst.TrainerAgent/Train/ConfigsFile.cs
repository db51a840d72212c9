using System.Text.Json;
using Burst.Training.Search;
using Burst.TrainerAgent.Cli;

namespace Burst.TrainerAgent.Train;

/// <summary>The shared/bench configs format: a JSON array of objects mapping hyperparameter names to numbers.</summary>
internal static class ConfigsFile
{
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"train: --configs: no such file '{path}'.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"train: --configs: '{path}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
            {
                throw new UsageException($"train: --configs: '{path}' must hold a non-empty JSON array of configs.");
            }

            var configs = new List<IReadOnlyDictionary<string, double>>();
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                index++;
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new UsageException($"train: --configs: config #{index} in '{path}' is not a JSON object.");
                }

                var config = new SortedDictionary<string, double>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.Number)
                    {
                        throw new UsageException($"train: --configs: config #{index} in '{path}': '{property.Name}' must be a number.");
                    }

                    config[property.Name] = property.Value.GetDouble();
                }

                try
                {
                    HyperParameters.Validate(config);
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"train: --configs: config #{index} in '{path}': {e.Message}");
                }

                configs.Add(config);
            }

            return configs;
        }
    }
}
