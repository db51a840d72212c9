using Burst.Training;
using Burst.Training.Search;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Choice = Burst.Training.Search.Choice;
using Exponential = Burst.Training.Search.Exponential;
using IntRange = Burst.Training.Search.IntRange;
using LogUniform = Burst.Training.Search.LogUniform;
using Poisson = Burst.Training.Search.Poisson;
using Uniform = Burst.Training.Search.Uniform;

namespace Burst.Contracts;

/// <summary>
/// Translates between the burst.v1 messages and Burst.Training's types, for every process that
/// speaks both. An unset enum (0) means the default; a value this build does not know is refused
/// with an <see cref="ArgumentException"/> naming it, never quietly read as something else.
/// </summary>
public static class SearchMapping
{
    /// <summary>The planner for a spec whose defaults are filled; throws ArgumentException for an unusable search.</summary>
    public static ITrialPlanner CreatePlanner(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TrialPlanner.Create(ToSettings(spec.Search ?? new V1.Search()));
    }

    /// <summary>Refuses (ArgumentException) what <see cref="CreatePlanner(JobSpec)"/> would refuse, without drawing the configs.</summary>
    public static void CheckPlan(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        TrialPlanner.Check(ToSettings(spec.Search ?? new V1.Search()));
    }

    /// <summary>The planner of a job that continues earlier ones (continue_from): <paramref name="history"/> is their committed trials, in commit order.</summary>
    public static ITrialPlanner CreatePlanner(JobSpec spec, IReadOnlyList<TrialOutcome> history)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TrialPlanner.Create(ToSettings(spec.Search ?? new V1.Search()), history);
    }

    public static SearchSettings ToSettings(V1.Search search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var space = search.Space.Count == 0
            ? SearchSpace.Default
            : new SearchSpace(search.Space.ToDictionary(p => p.Key, p => ToDistribution(p.Value)));
        IReadOnlyList<IReadOnlyDictionary<string, double>>? configs = search.Configs.Count == 0
            ? null
            : search.Configs.Select(c => (IReadOnlyDictionary<string, double>)c.Values.ToDictionary()).ToArray();
        return new SearchSettings(
            ToStrategy(search.Strategy),
            search.Trials > 0 ? search.Trials : SearchDefaults.Trials,
            SearchDefaults.FoldsOr(search.Folds),
            search.Seed,
            ToScoring(search.Scoring),
            space,
            configs,
            search.EarlyStoppingRounds,
            search.TpeStartupTrials);
    }

    public static SearchStrategyKind ToStrategy(SearchStrategy strategy) => strategy switch
    {
        SearchStrategy.Unspecified => SearchDefaults.Strategy,
        SearchStrategy.Random => SearchStrategyKind.Random,
        SearchStrategy.SuccessiveHalving => SearchStrategyKind.SuccessiveHalving,
        SearchStrategy.Explicit => SearchStrategyKind.Explicit,
        SearchStrategy.Tpe => SearchStrategyKind.Tpe,
        _ => throw new ArgumentException($"Unknown search strategy {strategy}: expected one of {Names<SearchStrategy>()}.", nameof(strategy)),
    };

    public static SearchStrategy FromStrategy(SearchStrategyKind strategy) => strategy switch
    {
        SearchStrategyKind.Random => SearchStrategy.Random,
        SearchStrategyKind.SuccessiveHalving => SearchStrategy.SuccessiveHalving,
        SearchStrategyKind.Explicit => SearchStrategy.Explicit,
        SearchStrategyKind.Tpe => SearchStrategy.Tpe,
        _ => throw new ArgumentException($"No burst.v1 search strategy for {strategy}.", nameof(strategy)),
    };

    public static ScoringKind ToScoring(V1.Scoring scoring) => scoring switch
    {
        V1.Scoring.Unspecified => SearchDefaults.Scoring,
        V1.Scoring.Accuracy => ScoringKind.Accuracy,
        V1.Scoring.RocAuc => ScoringKind.RocAuc,
        V1.Scoring.LogLoss => ScoringKind.LogLoss,
        _ => throw new ArgumentException($"Unknown scoring {scoring}: expected one of {Names<V1.Scoring>()}.", nameof(scoring)),
    };

    public static V1.Scoring FromScoring(ScoringKind scoring) => scoring switch
    {
        ScoringKind.Accuracy => V1.Scoring.Accuracy,
        ScoringKind.RocAuc => V1.Scoring.RocAuc,
        ScoringKind.LogLoss => V1.Scoring.LogLoss,
        _ => throw new ArgumentException($"No burst.v1 scoring for {scoring}.", nameof(scoring)),
    };

    /// <summary>The data a spec names; an unset format means CSV when a label column is given, else Census.</summary>
    public static DatasetSpec ToDatasetSpec(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var format = dataset.Format switch
        {
            DataFormat.Csv => DatasetFormat.Csv,
            DataFormat.Census => DatasetFormat.Census,
            DataFormat.Unspecified => string.IsNullOrEmpty(dataset.LabelColumn) ? DatasetFormat.Census : DatasetFormat.Csv,
            _ => throw new ArgumentException($"Unknown data format {dataset.Format}: expected one of {Names<DataFormat>()}.", nameof(dataset)),
        };
        return new DatasetSpec(
            dataset.TrainUri,
            string.IsNullOrEmpty(dataset.TestUri) ? null : dataset.TestUri,
            format,
            string.IsNullOrEmpty(dataset.LabelColumn) ? null : dataset.LabelColumn,
            string.IsNullOrEmpty(dataset.PositiveLabel) ? null : dataset.PositiveLabel);
    }

    /// <summary>The distribution a message describes; throws ArgumentException when it is empty or its arguments are invalid.</summary>
    public static ParamDistribution ToDistribution(Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        return distribution.KindCase switch
        {
            Distribution.KindOneofCase.Choice => new Choice(distribution.Choice.Values.ToArray()),
            Distribution.KindOneofCase.Uniform => new Uniform(distribution.Uniform.Low, distribution.Uniform.High),
            Distribution.KindOneofCase.LogUniform => new LogUniform(distribution.LogUniform.Low, distribution.LogUniform.High),
            Distribution.KindOneofCase.IntRange => new IntRange(distribution.IntRange.Low, distribution.IntRange.High),
            Distribution.KindOneofCase.Poisson => new Poisson(distribution.Poisson.Mean),
            Distribution.KindOneofCase.Exponential => new Exponential(distribution.Exponential.Scale),
            _ => throw new ArgumentException("No distribution is set: give one of choice, uniform, log_uniform, int_range, poisson, exponential.", nameof(distribution)),
        };
    }

    public static Distribution FromDistribution(ParamDistribution distribution) => distribution switch
    {
        Choice c => new Distribution { Choice = new V1.Choice { Values = { c.Values } } },
        Uniform u => new Distribution { Uniform = new V1.Uniform { Low = u.Low, High = u.High } },
        LogUniform l => new Distribution { LogUniform = new V1.LogUniform { Low = l.Low, High = l.High } },
        IntRange r => new Distribution { IntRange = new V1.IntRange { Low = r.Low, High = r.High } },
        Poisson p => new Distribution { Poisson = new V1.Poisson { Mean = p.Mean } },
        Exponential e => new Distribution { Exponential = new V1.Exponential { Scale = e.Scale } },
        _ => throw new ArgumentException($"No burst.v1 message for {distribution?.GetType().Name ?? "null"}.", nameof(distribution)),
    };

    public static TrialToRun ToTrialToRun(TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return new()
        {
            TrialId = trial.TrialId,
            Rung = trial.Rung,
            Rounds = trial.Rounds,
            Params = ToParamSet(trial.Params),
        };
    }

    public static TrialSpec ToTrialSpec(TrialToRun trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return new(trial.TrialId, trial.Rung, trial.Rounds, (trial.Params?.Values ?? []).ToDictionary());
    }

    public static ParamSet ToParamSet(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var set = new ParamSet();
        set.Values.Add(values.ToDictionary());
        return set;
    }

    /// <summary>A committed trial result as the planner sees it.</summary>
    public static TrialOutcome ToOutcome(TrialResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(
            new TrialSpec(result.TrialId, result.Rung, result.Rounds, (result.Params?.Values ?? []).ToDictionary()),
            result.FoldScores.ToArray(),
            result.MeanScore,
            result.Duration?.ToTimeSpan() ?? TimeSpan.Zero,
            result.FoldRounds.Count == 0 ? null : result.FoldRounds.ToArray());
    }

    /// <summary>A finished trial as a worker reports it.</summary>
    public static TrialResult ToTrialResult(TrialOutcome outcome, string workerId)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var result = new TrialResult
        {
            TrialId = outcome.Trial.TrialId,
            Rung = outcome.Trial.Rung,
            Rounds = outcome.Trial.Rounds,
            MeanScore = outcome.MeanScore,
            Duration = Duration.FromTimeSpan(outcome.Duration),
            WorkerId = workerId,
            Params = ToParamSet(outcome.Trial.Params),
        };
        result.FoldScores.AddRange(outcome.FoldScores);
        result.FoldRounds.AddRange(outcome.FoldRounds ?? []);
        return result;
    }

    public static V1.Metrics ToMetrics(Training.Metrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return new()
        {
            Accuracy = metrics.Accuracy,
            RocAuc = metrics.RocAuc,
            LogLoss = metrics.LogLoss,
            TruePositives = metrics.TruePositives,
            FalsePositives = metrics.FalsePositives,
            TrueNegatives = metrics.TrueNegatives,
            FalseNegatives = metrics.FalseNegatives,
            Count = metrics.Count,
        };
    }

    public static Duration ToDuration(TimeSpan span) => Duration.FromTimeSpan(span);

    private static string Names<T>() where T : struct, System.Enum =>
        string.Join(", ", System.Enum.GetValues<T>().Select(v => v.ToString()));
}
