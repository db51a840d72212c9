using System.Text.RegularExpressions;
using Burst.ControlPlane.Runtime;
using Burst.Training.Search;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace Burst.ControlPlane.Jobs;

/// <summary>
/// What a valid job spec is, and the defaults a stored spec shows. Field paths in violations are
/// relative to SubmitJobRequest, e.g. <c>spec.search.folds</c> or <c>spec.search.space["max_depth"]</c>.
/// </summary>
internal static partial class JobSpecRules
{
    public const string BundledTrainUri = "bundled://census/adult.data";
    public const string BundledTestUri = "bundled://census/adult.test";
    public const int DefaultTrials = SearchDefaults.Trials;
    public const int DefaultFolds = SearchDefaults.Folds;
    public const int DefaultWorkers = 1;
    public const int DefaultMaxRestarts = 2;
    public const string LocalProvider = "local";
    public const string GceProvider = "gce";

    // Real names (XGBoost's) are short; a longer one is refused before any message could echo it.
    private const int MaxParameterName = 64;

    /// <summary>Every rule the spec breaks; empty when it is valid.</summary>
    public static List<BadRequest.Types.FieldViolation> Check(SubmitJobRequest request, SpecLimits limits)
    {
        var v = new Violations();
        if (request.RequestId.Length > 128)
        {
            v.Add("request_id", $"must be at most 128 characters, got {request.RequestId.Length}.");
        }

        var spec = request.Spec ?? new JobSpec();
        if (spec.DisplayName.Length > SpecLimits.MaxNameLength)
        {
            v.Add("spec.display_name", $"must be at most {SpecLimits.MaxNameLength} characters, got {spec.DisplayName.Length}.");
        }

        if (spec.Labels.Count > SpecLimits.MaxLabels)
        {
            v.Add("spec.labels", $"at most {SpecLimits.MaxLabels} labels, got {spec.Labels.Count}.");
        }

        foreach (var (key, value) in spec.Labels)
        {
            if (!LabelKey().IsMatch(key))
            {
                v.Add($"spec.labels[\"{Clip(key)}\"]", "a label key must match [a-z][a-z0-9_-]{0,62}.");
            }
            else if (value.Length > SpecLimits.MaxLabelValueLength)
            {
                v.Add($"spec.labels[\"{key}\"]", $"a label value must be at most {SpecLimits.MaxLabelValueLength} characters, got {value.Length}.");
            }
        }

        var files = IsLocal(spec) ? limits.Roots : null;
        CheckDataset(spec.Dataset ?? new Dataset(), files, v);
        CheckSearch(spec.Search ?? new Search(), limits, v);
        CheckResources(spec.Resources ?? new Resources(), v);
        CheckLimits(spec.Limits ?? new Limits(), v);
        if (spec.Output is { ModelUri.Length: > 0 } output)
        {
            CheckUri("spec.output.model_uri", output.ModelUri, allowBundled: false, files, v);
        }

        return v.List;
    }

    /// <summary>The spec with every default written out, as it is stored and handed to agents.</summary>
    public static JobSpec WithDefaults(JobSpec? raw, string jobId, string dataDir)
    {
        var spec = raw?.Clone() ?? new JobSpec();
        spec.Dataset ??= new Dataset();
        spec.Search ??= new Search();
        spec.Resources ??= new Resources();
        spec.Limits ??= new Limits();
        spec.Output ??= new Output();

        var dataset = spec.Dataset;
        dataset.Format = ResolveFormat(dataset);
        if (dataset.Format == DataFormat.Census && dataset.TrainUri.Length == 0)
        {
            dataset.TrainUri = BundledTrainUri;
            if (dataset.TestUri.Length == 0)
            {
                dataset.TestUri = BundledTestUri;
            }
        }

        var search = spec.Search;
        if (search.Strategy == SearchStrategy.Unspecified)
        {
            search.Strategy = search.Configs.Count > 0 ? SearchStrategy.Explicit : SearchMapping.FromStrategy(SearchDefaults.Strategy);
        }

        if (search.Configs.Count > 0)
        {
            // Given configs replace sampling (explicit and successive-halving searches): they are the trials.
            search.Trials = search.Configs.Count;
        }
        else if (search.Trials == 0)
        {
            search.Trials = DefaultTrials;
        }

        if (search.Folds == 0)
        {
            search.Folds = DefaultFolds;
        }

        if (search.Scoring == V1.Scoring.Unspecified)
        {
            search.Scoring = SearchMapping.FromScoring(SearchDefaults.Scoring);
        }

        if (search.Space.Count == 0)
        {
            foreach (var (name, distribution) in SearchSpace.Default.Parameters)
            {
                search.Space[name] = SearchMapping.FromDistribution(distribution);
            }
        }

        if (search.Workers == 0)
        {
            search.Workers = DefaultWorkers;
        }

        if (spec.Resources.Provider.Length == 0)
        {
            spec.Resources.Provider = LocalProvider;
        }

        if (spec.Limits.MaxRestarts == 0)
        {
            spec.Limits.MaxRestarts = DefaultMaxRestarts;
        }

        if (spec.Output.ModelUri.Length == 0)
        {
            spec.Output.ModelUri = Path.Combine(Path.GetFullPath(dataDir), "models", jobId);
        }

        return spec;
    }

    /// <summary>Checks that a filled spec gives a search the planner accepts (the last word on the search's arguments).</summary>
    public static List<BadRequest.Types.FieldViolation> CheckPlan(JobSpec filled)
    {
        var v = new Violations();
        try
        {
            SearchMapping.CheckPlan(filled);
        }
        catch (ArgumentException e)
        {
            v.Add("spec.search", Describe(e));
        }

        return v.List;
    }

    private static DataFormat ResolveFormat(Dataset dataset) => dataset.Format switch
    {
        DataFormat.Unspecified => dataset.LabelColumn.Length > 0 ? DataFormat.Csv : DataFormat.Census,
        var f => f,
    };

    /// <summary>Whether the job runs on the local provider (the default when none is named).</summary>
    public static bool IsLocal(JobSpec? spec) => spec?.Resources?.Provider is null or "" or LocalProvider;

    /// <summary>A name from the request, cut short for a message: a violation never echoes a long input back.</summary>
    private static string Clip(string text) => text.Length <= 64 ? text : text[..61] + "...";

    private static void CheckDataset(Dataset dataset, DataRoots? files, Violations v)
    {
        if (!System.Enum.IsDefined(dataset.Format))
        {
            v.Add("spec.dataset.format", $"unknown data format {(int)dataset.Format}: use DATA_FORMAT_CENSUS or DATA_FORMAT_CSV.");
            return;
        }

        if (dataset.TrainUri.Length > 0)
        {
            CheckUri("spec.dataset.train_uri", dataset.TrainUri, allowBundled: true, files, v);
        }

        if (dataset.TestUri.Length > 0)
        {
            CheckUri("spec.dataset.test_uri", dataset.TestUri, allowBundled: true, files, v);
        }

        if (ResolveFormat(dataset) == DataFormat.Csv)
        {
            if (dataset.TrainUri.Length == 0)
            {
                v.Add("spec.dataset.train_uri", "a CSV dataset needs train_uri.");
            }

            if (dataset.LabelColumn.Length == 0)
            {
                v.Add("spec.dataset.label_column", "a CSV dataset needs label_column, the header name of the label column.");
            }
        }
    }

    private static void CheckSearch(Search search, SpecLimits limits, Violations v)
    {
        if (!System.Enum.IsDefined(search.Strategy))
        {
            v.Add("spec.search.strategy", $"unknown search strategy {(int)search.Strategy}.");
        }

        if (!System.Enum.IsDefined(search.Scoring))
        {
            v.Add("spec.search.scoring", $"unknown scoring {(int)search.Scoring}.");
        }

        if (search.Trials is < 0 or > SpecLimits.MaxTrials)
        {
            v.Add("spec.search.trials", $"must be between 0 (default {DefaultTrials}) and {SpecLimits.MaxTrials}, got {search.Trials}.");
        }

        if (search.Folds is < 0 or 1 or > SpecLimits.MaxFolds)
        {
            v.Add("spec.search.folds", $"must be 0 (default {DefaultFolds}) or between 2 and {SpecLimits.MaxFolds}, got {search.Folds}.");
        }

        if (search.Workers < 0 || search.Workers > limits.MaxWorkers)
        {
            v.Add("spec.search.workers", $"must be between 0 (default {DefaultWorkers}) and {limits.MaxWorkers} (this server's limit), got {search.Workers}.");
        }

        if (search.Space.Count > SpecLimits.MaxSpaceParameters)
        {
            v.Add("spec.search.space", $"at most {SpecLimits.MaxSpaceParameters} hyperparameters, got {search.Space.Count}.");
            return;
        }

        if (search.Threads < 0)
        {
            v.Add("spec.search.threads", $"must not be negative (0 picks from the worker's cores), got {search.Threads}.");
        }

        var checkedSpace = new Dictionary<string, ParamDistribution>();
        foreach (var (name, message) in search.Space)
        {
            var field = $"spec.search.space[\"{Clip(name)}\"]";
            if (name.Length > MaxParameterName)
            {
                v.Add(field, $"a hyperparameter name must be at most {MaxParameterName} characters, got {name.Length}.");
                continue;
            }

            try
            {
                HyperParameters.ValidateName(name);
                var distribution = SearchMapping.ToDistribution(message);
                _ = new SearchSpace(new Dictionary<string, ParamDistribution> { [name] = distribution });
                checkedSpace[name] = distribution;
            }
            catch (ArgumentException e)
            {
                v.Add(field, Describe(e));
            }
        }

        if (checkedSpace.Count == search.Space.Count && checkedSpace.Count > 1)
        {
            try
            {
                _ = new SearchSpace(checkedSpace);
            }
            catch (ArgumentException e)
            {
                v.Add(e.ParamName is { } name && search.Space.ContainsKey(name) ? $"spec.search.space[\"{name}\"]" : "spec.search.space", Describe(e));
            }
        }

        var strategy = search.Strategy == SearchStrategy.Unspecified && search.Configs.Count > 0 ? SearchStrategy.Explicit : search.Strategy;
        if (strategy == SearchStrategy.Explicit && search.Configs.Count == 0)
        {
            v.Add("spec.search.configs", "SEARCH_STRATEGY_EXPLICIT needs at least one config.");
        }
        else if (strategy is SearchStrategy.Random or SearchStrategy.Unspecified && search.Configs.Count > 0)
        {
            v.Add("spec.search.configs", "configs are for SEARCH_STRATEGY_EXPLICIT or SEARCH_STRATEGY_SUCCESSIVE_HALVING; a random search samples from space.");
        }
        else if (strategy == SearchStrategy.Tpe && search.Configs.Count > 0)
        {
            v.Add("spec.search.configs", "configs are for SEARCH_STRATEGY_EXPLICIT or SEARCH_STRATEGY_SUCCESSIVE_HALVING; a TPE search samples from space.");
        }

        if (search.EarlyStoppingRounds is < 0 or > 100_000)
        {
            v.Add("spec.search.early_stopping_rounds", $"must be between 0 (off) and 100000, got {search.EarlyStoppingRounds}.");
        }

        if (search.TpeStartupTrials is < 0 or > 10_000)
        {
            v.Add("spec.search.tpe_startup_trials", $"must be between 0 (default 10) and 10000, got {search.TpeStartupTrials}.");
        }

        if (search.ContinueFrom.Length > 0 && strategy is not (SearchStrategy.Random or SearchStrategy.Tpe or SearchStrategy.Unspecified))
        {
            v.Add("spec.search.strategy", "only random and TPE searches can continue another (continue_from); explicit and successive-halving searches cannot.");
        }

        if (search.Configs.Count > 10_000)
        {
            v.Add("spec.search.configs", $"at most 10000 configs, got {search.Configs.Count}.");
        }

        for (var i = 0; i < search.Configs.Count && i < 10_000; i++)
        {
            var values = search.Configs[i].Values;
            if (values.Count == 0)
            {
                v.Add($"spec.search.configs[{i}]", "a config needs at least one hyperparameter.");
                continue;
            }

            if (values.Keys.FirstOrDefault(k => k.Length > MaxParameterName) is { } longName)
            {
                v.Add($"spec.search.configs[{i}].values[\"{Clip(longName)}\"]", $"a hyperparameter name must be at most {MaxParameterName} characters, got {longName.Length}.");
                continue;
            }

            try
            {
                HyperParameters.Validate(values);
            }
            catch (ArgumentException e)
            {
                v.Add(e.ParamName is { } name && values.ContainsKey(name) ? $"spec.search.configs[{i}].values[\"{name}\"]" : $"spec.search.configs[{i}]", Describe(e));
            }
        }
    }

    private static void CheckResources(Resources resources, Violations v)
    {
        if (resources.Provider is not ("" or LocalProvider or GceProvider))
        {
            v.Add("spec.resources.provider", $"must be \"{LocalProvider}\" (the default) or \"{GceProvider}\", got \"{Clip(resources.Provider)}\".");
        }

        foreach (var (field, value) in new[] { ("machine_type", resources.MachineType), ("image_family", resources.ImageFamily) })
        {
            if (value.Length > SpecLimits.MaxNameLength)
            {
                v.Add($"spec.resources.{field}", $"must be at most {SpecLimits.MaxNameLength} characters, got {value.Length}.");
            }
        }

        if (resources.ContainerImage.Length > SpecLimits.MaxUriLength)
        {
            v.Add("spec.resources.container_image", $"must be at most {SpecLimits.MaxUriLength} characters, got {resources.ContainerImage.Length}.");
        }

        if (resources.Zones.Count > SpecLimits.MaxLabels || resources.Zones.Any(z => z.Length > SpecLimits.MaxNameLength))
        {
            v.Add("spec.resources.zones", $"at most {SpecLimits.MaxLabels} zones of at most {SpecLimits.MaxNameLength} characters each.");
        }
    }

    private static void CheckLimits(Limits limits, Violations v)
    {
        if (limits.MaxRuntime is { } runtime)
        {
            if (runtime.Seconds is < 0 or > Duration.MaxSeconds || runtime.Nanos is < 0 or > 999_999_999)
            {
                v.Add("spec.limits.max_runtime", "must be a non-negative duration.");
            }
        }

        if (!double.IsFinite(limits.MaxCostUsd) || limits.MaxCostUsd < 0)
        {
            v.Add("spec.limits.max_cost_usd", $"must be a non-negative number, got {limits.MaxCostUsd}.");
        }

        if (limits.MaxRestarts is < 0 or > 10)
        {
            v.Add("spec.limits.max_restarts", $"must be between 0 (default {DefaultMaxRestarts}) and 10, got {limits.MaxRestarts}.");
        }
    }

    /// <summary>
    /// Checks a data or model location. With <paramref name="files"/> (the local provider), a plain path or
    /// file:// must lead under an allowed root once links and ".." are followed.
    /// </summary>
    private static void CheckUri(string field, string uri, bool allowBundled, DataRoots? files, Violations v)
    {
        if (uri.Length > SpecLimits.MaxUriLength)
        {
            v.Add(field, $"must be at most {SpecLimits.MaxUriLength} characters, got {uri.Length}.");
            return;
        }

        if (string.IsNullOrWhiteSpace(uri) || uri.Any(char.IsControl))
        {
            v.Add(field, "must be a path or a URI (without control characters).");
            return;
        }

        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            CheckRoots(field, uri, files, v);
            return;
        }

        var scheme = uri[..schemeEnd].ToLowerInvariant();
        var rest = uri[(schemeEnd + 3)..];
        var allowed = allowBundled ? "a path, file://, gs:// or bundled://" : "a path, file:// or gs://";
        switch (scheme)
        {
            case "file":
                if (!Uri.TryCreate(uri, UriKind.Absolute, out var file) || !file.IsFile)
                {
                    v.Add(field, $"'{Clip(uri)}' is not a valid file:// URI.");
                }
                else
                {
                    CheckRoots(field, uri, files, v);
                }

                break;
            case "gs":
                if (rest.Split('/')[0].Length == 0)
                {
                    v.Add(field, $"'{Clip(uri)}' names no bucket: use gs://BUCKET/OBJECT.");
                }

                break;
            case "bundled" when allowBundled:
                if (rest.Length == 0 || rest.Split('/').Any(s => s is ".." or ""))
                {
                    v.Add(field, $"'{Clip(uri)}' must name a file of the bundled data, e.g. {BundledTrainUri}.");
                }

                break;
            default:
                v.Add(field, $"the scheme '{Clip(scheme)}://' is not supported: use {allowed}.");
                break;
        }
    }

    private static void CheckRoots(string field, string uri, DataRoots? files, Violations v)
    {
        if (files is null)
        {
            return;
        }

        bool allowed;
        string resolved;
        try
        {
            allowed = files.Allows(uri, out resolved);
        }
        catch (Exception e) when (e is ArgumentException or IOException or NotSupportedException)
        {
            v.Add(field, $"'{Clip(uri)}' is not a usable path: {e.Message}");
            return;
        }

        if (!allowed)
        {
            v.Add(field, $"'{Clip(uri)}' (which leads to {Clip(resolved)}) is outside the folders this server allows: the bundled data, the data dir, the server user's home, the temp dir, or one given with --allow-path DIR.");
        }
    }

    /// <summary>An ArgumentException's message without the " (Parameter 'x')" that .NET appends: the field path already says it.</summary>
    internal static string Describe(ArgumentException e)
    {
        var suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex LabelKey();

    private sealed class Violations
    {
        public List<BadRequest.Types.FieldViolation> List { get; } = [];

        public void Add(string field, string description) => List.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
    }
}
