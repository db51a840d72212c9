using Burst.V1;
using Google.Protobuf;

namespace Burst.Cli.Specs;

/// <summary>
/// Builds the JobSpec to submit: the <c>--spec</c> file (proto3 JSON) if any, then each flag given on top.
/// Values the CLI can judge alone (enum names, durations, KEY=VALUE, files) are checked here and named
/// in the error; ranges and the rest are the control plane's to validate.
/// </summary>
public static class JobSpecBuilder
{
    public static readonly IReadOnlyList<string> Providers = ["local", "gce"];

    private static readonly JsonParser SpecParser = new(JsonParser.Settings.Default);

    public static JobSpec Build(SubmitFlags flags)
    {
        var spec = flags.SpecFile is null ? new JobSpec() : ReadSpecFile(flags.SpecFile);
        ApplyFlags(spec, flags);
        return spec;
    }

    public static JobSpec ReadSpecFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--spec {path}: {e.Message}", e);
        }

        return ParseSpec(text, $"--spec {path}");
    }

    public static JobSpec ParseSpec(string json, string source)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new CliUsageException($"{source}: the file is empty; an empty job spec is written {{}}");
        }

        try
        {
            return SpecParser.Parse<JobSpec>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new CliUsageException($"{source}: not a valid burst.v1.JobSpec in proto3 JSON: {e.Message}", e);
        }
    }

    private static void ApplyFlags(JobSpec spec, SubmitFlags flags)
    {
        if (flags.Name is not null)
        {
            spec.DisplayName = flags.Name;
        }

        foreach (var label in flags.Labels)
        {
            var (key, value) = SplitLabel(label);
            spec.Labels[key] = value;
        }

        ApplyDataset(spec, flags);
        ApplySearch(spec, flags);
        ApplyResources(spec, flags);
        ApplyLimits(spec, flags);

        if (flags.ModelUri is not null)
        {
            (spec.Output ??= new Output()).ModelUri = flags.ModelUri;
        }
    }

    private static void ApplyDataset(JobSpec spec, SubmitFlags flags)
    {
        if (flags is { TrainUri: null, TestUri: null, Format: null, LabelColumn: null, PositiveLabel: null })
        {
            return;
        }

        var dataset = spec.Dataset ??= new Dataset();
        if (flags.TrainUri is not null)
        {
            dataset.TrainUri = flags.TrainUri;
        }

        if (flags.TestUri is not null)
        {
            dataset.TestUri = flags.TestUri;
        }

        if (flags.Format is not null)
        {
            dataset.Format = EnumNames.Parse<DataFormat>(flags.Format, "--format");
        }

        if (flags.LabelColumn is not null)
        {
            dataset.LabelColumn = flags.LabelColumn;
        }

        if (flags.PositiveLabel is not null)
        {
            dataset.PositiveLabel = flags.PositiveLabel;
        }
    }

    private static void ApplySearch(JobSpec spec, SubmitFlags flags)
    {
        if (flags is { Strategy: null, Trials: null, Folds: null, Seed: null, Scoring: null, ConfigsFile: null, Workers: null, Threads: null })
        {
            return;
        }

        var search = spec.Search ??= new Search();
        if (flags.Strategy is not null)
        {
            search.Strategy = EnumNames.Parse<SearchStrategy>(flags.Strategy, "--strategy");
        }

        if (flags.ConfigsFile is not null)
        {
            if (flags.Strategy is not null && search.Strategy != SearchStrategy.Explicit)
            {
                throw new CliUsageException(
                    $"--configs runs exactly the listed configs and needs --strategy explicit, not --strategy {flags.Strategy}");
            }

            search.Configs.Clear();
            search.Configs.AddRange(Specs.ConfigsFile.Read(flags.ConfigsFile));
            search.Strategy = SearchStrategy.Explicit;
        }

        if (flags.Trials is { } trials)
        {
            search.Trials = trials;
        }

        if (flags.Folds is { } folds)
        {
            search.Folds = folds;
        }

        if (flags.Seed is { } seed)
        {
            search.Seed = seed;
        }

        if (flags.Scoring is not null)
        {
            search.Scoring = EnumNames.Parse<Scoring>(flags.Scoring, "--scoring");
        }

        if (flags.Workers is { } workers)
        {
            search.Workers = workers;
        }

        if (flags.Threads is { } threads)
        {
            search.Threads = threads;
        }
    }

    private static void ApplyResources(JobSpec spec, SubmitFlags flags)
    {
        if (flags is { Provider: null, MachineType: null, Zones.Count: 0, Spot: null, ImageFamily: null, ContainerImage: null })
        {
            return;
        }

        var resources = spec.Resources ??= new Resources();
        if (flags.Provider is not null)
        {
            var provider = flags.Provider.Trim().ToLowerInvariant();
            if (!Providers.Contains(provider))
            {
                throw new CliUsageException($"--provider: '{flags.Provider}' is not one of {string.Join(", ", Providers)}");
            }

            resources.Provider = provider;
        }

        if (flags.MachineType is not null)
        {
            resources.MachineType = flags.MachineType;
        }

        if (flags.Zones.Count > 0)
        {
            resources.Zones.Clear();
            resources.Zones.AddRange(flags.Zones);
        }

        if (flags.Spot is { } spot)
        {
            resources.Spot = spot;
        }

        if (flags.ImageFamily is not null)
        {
            resources.ImageFamily = flags.ImageFamily;
        }

        if (flags.ContainerImage is not null)
        {
            resources.ContainerImage = flags.ContainerImage;
        }
    }

    private static void ApplyLimits(JobSpec spec, SubmitFlags flags)
    {
        if (flags is { MaxRuntime: null, MaxCostUsd: null, MaxRestarts: null })
        {
            return;
        }

        var limits = spec.Limits ??= new Limits();
        if (flags.MaxRuntime is not null)
        {
            var runtime = DurationText.Parse(flags.MaxRuntime, "--max-runtime");
            if (runtime <= TimeSpan.Zero)
            {
                throw new CliUsageException($"--max-runtime: '{flags.MaxRuntime}' must be longer than zero");
            }

            limits.MaxRuntime = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(runtime);
        }

        if (flags.MaxCostUsd is { } maxCost)
        {
            limits.MaxCostUsd = maxCost;
        }

        if (flags.MaxRestarts is { } maxRestarts)
        {
            limits.MaxRestarts = maxRestarts;
        }
    }

    private static (string Key, string Value) SplitLabel(string label)
    {
        var equals = label.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliUsageException($"--label: '{label}' is not KEY=VALUE");
        }

        return (label[..equals].Trim(), label[(equals + 1)..]);
    }
}
