using Burst.Training.Search;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;
using Choice = Burst.Training.Search.Choice;
using Exponential = Burst.Training.Search.Exponential;
using IntRange = Burst.Training.Search.IntRange;
using LogUniform = Burst.Training.Search.LogUniform;
using Poisson = Burst.Training.Search.Poisson;
using Uniform = Burst.Training.Search.Uniform;

namespace Burst.ControlPlane.Runtime;

/// <summary>Translates between the burst.v1 search messages and Burst.Training's search types.</summary>
internal static class SearchMapping
{
    /// <summary>The planner for a spec whose defaults are filled; throws ArgumentException for an unusable search.</summary>
    public static ITrialPlanner CreatePlanner(JobSpec spec) => TrialPlanner.Create(ToSettings(spec.Search));

    /// <summary>The planner of a job that continues earlier ones (continue_from): <paramref name="history"/> is their committed trials, in commit order.</summary>
    public static ITrialPlanner CreatePlanner(JobSpec spec, IReadOnlyList<TrialOutcome> history) => TrialPlanner.Create(ToSettings(spec.Search), history);

    public static SearchSettings ToSettings(Search search)
    {
        var space = search.Space.Count == 0
            ? SearchSpace.Default
            : new SearchSpace(search.Space.ToDictionary(p => p.Key, p => ToDistribution(p.Value)));
        IReadOnlyList<IReadOnlyDictionary<string, double>>? configs = search.Configs.Count == 0
            ? null
            : search.Configs.Select(c => (IReadOnlyDictionary<string, double>)c.Values.ToDictionary()).ToArray();
        return new SearchSettings(ToStrategy(search.Strategy), search.Trials, search.Folds, search.Seed, ToScoring(search.Scoring), space, configs, search.EarlyStoppingRounds, search.TpeStartupTrials);
    }

    public static SearchStrategyKind ToStrategy(SearchStrategy strategy) => strategy switch
    {
        SearchStrategy.Unspecified or SearchStrategy.Random => SearchStrategyKind.Random,
        SearchStrategy.SuccessiveHalving => SearchStrategyKind.SuccessiveHalving,
        SearchStrategy.Explicit => SearchStrategyKind.Explicit,
        SearchStrategy.Tpe => SearchStrategyKind.Tpe,
        _ => throw new ArgumentException($"Unknown search strategy {strategy}.", nameof(strategy)),
    };

    public static ScoringKind ToScoring(V1.Scoring scoring) => scoring switch
    {
        V1.Scoring.Unspecified or V1.Scoring.Accuracy => ScoringKind.Accuracy,
        V1.Scoring.RocAuc => ScoringKind.RocAuc,
        V1.Scoring.LogLoss => ScoringKind.LogLoss,
        _ => throw new ArgumentException($"Unknown scoring {scoring}.", nameof(scoring)),
    };

    /// <summary>The distribution a message describes; throws ArgumentException when it is empty or its arguments are invalid.</summary>
    public static ParamDistribution ToDistribution(Distribution distribution) => distribution.KindCase switch
    {
        Distribution.KindOneofCase.Choice => new Choice(distribution.Choice.Values.ToArray()),
        Distribution.KindOneofCase.Uniform => new Uniform(distribution.Uniform.Low, distribution.Uniform.High),
        Distribution.KindOneofCase.LogUniform => new LogUniform(distribution.LogUniform.Low, distribution.LogUniform.High),
        Distribution.KindOneofCase.IntRange => new IntRange(distribution.IntRange.Low, distribution.IntRange.High),
        Distribution.KindOneofCase.Poisson => new Poisson(distribution.Poisson.Mean),
        Distribution.KindOneofCase.Exponential => new Exponential(distribution.Exponential.Scale),
        _ => throw new ArgumentException("No distribution is set: give one of choice, uniform, log_uniform, int_range, poisson, exponential.", nameof(distribution)),
    };

    public static Distribution FromDistribution(ParamDistribution distribution) => distribution switch
    {
        Choice c => new Distribution { Choice = new V1.Choice { Values = { c.Values } } },
        Uniform u => new Distribution { Uniform = new V1.Uniform { Low = u.Low, High = u.High } },
        LogUniform l => new Distribution { LogUniform = new V1.LogUniform { Low = l.Low, High = l.High } },
        IntRange r => new Distribution { IntRange = new V1.IntRange { Low = r.Low, High = r.High } },
        Poisson p => new Distribution { Poisson = new V1.Poisson { Mean = p.Mean } },
        Exponential e => new Distribution { Exponential = new V1.Exponential { Scale = e.Scale } },
        _ => throw new ArgumentException($"No burst.v1 message for {distribution.GetType().Name}.", nameof(distribution)),
    };

    public static TrialToRun ToTrialToRun(TrialSpec trial) => new()
    {
        TrialId = trial.TrialId,
        Rung = trial.Rung,
        Rounds = trial.Rounds,
        Params = ToParamSet(trial.Params),
    };

    public static ParamSet ToParamSet(IReadOnlyDictionary<string, double> values)
    {
        var set = new ParamSet();
        set.Values.Add(values.ToDictionary());
        return set;
    }

    /// <summary>A committed trial result as the planner sees it.</summary>
    public static TrialOutcome ToOutcome(TrialResult result) => new(
        new TrialSpec(result.TrialId, result.Rung, result.Rounds, (result.Params?.Values ?? []).ToDictionary()),
        result.FoldScores.ToArray(),
        result.MeanScore,
        result.Duration?.ToTimeSpan() ?? TimeSpan.Zero,
        result.FoldRounds.Count > 0 ? result.FoldRounds.ToArray() : null);

    public static Duration ToDuration(TimeSpan span) => Duration.FromTimeSpan(span);
}
