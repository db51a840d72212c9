using Burst.Contracts;
using Burst.V1;
using Shared = Burst.Training.Search.ConfigsFile;

namespace Burst.Cli.Specs;

/// <summary>
/// <c>--configs FILE</c>: the shared/bench configs format (Burst.Training's one parser), as the
/// ParamSets of a spec; a bad file is a usage error naming the file, the config and the problem.
/// </summary>
public static class ConfigsFile
{
    private const string Flag = "--configs";

    public static IReadOnlyList<ParamSet> Read(string path) => Convert(() => Shared.Read(path, $"{Flag} {path}"));

    public static IReadOnlyList<ParamSet> Parse(string json, string source) => Convert(() => Shared.Parse(json, source));

    private static ParamSet[] Convert(Func<IReadOnlyList<IReadOnlyDictionary<string, double>>> read)
    {
        try
        {
            return read().Select(SearchMapping.ToParamSet).ToArray();
        }
        catch (Training.Search.ConfigsFileException e)
        {
            throw new CliUsageException(e.Message, e);
        }
    }
}
