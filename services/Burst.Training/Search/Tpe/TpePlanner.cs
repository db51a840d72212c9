namespace Burst.Training.Search.Tpe;

/// <summary>
/// A Tree-structured Parzen Estimator search (Bergstra et al. 2011), with the defaults of Optuna's
/// TPESampler: univariate, 24 candidates per parameter, gamma(n) = min(ceil(n / 10), 25), prior
/// weight 1, magic clip, no endpoints, older observations weighing less past 25.
/// <para>
/// Trials are decided only when they are handed out (<see cref="Next"/>), from the committed results
/// so far: for each parameter the committed trials are split into the best gamma(n) and the rest,
/// each group becomes a Parzen mixture (l for the good, g for the rest), candidates are drawn from
/// l, and the one with the highest l/g is taken. Trials handed out but not reported yet join the
/// rest with the worst possible score (the "constant liar"), so that parallel workers asking at
/// the same time are sent away from each other's configs rather than onto one spot.
/// </para>
/// <para>
/// The first <c>startupTrials</c> trials are random: trial i &lt; startup gets the i-th config the
/// random strategy samples with the same seed, so a TPE search and a random search share their
/// first trials. Each later trial draws from its own generator, seeded from (seed, trial id), so
/// the plan is a pure function of the seed, the committed results in commit order, and the trials
/// in flight. A search continued from <c>history</c> numbers its trials from 0 but counts them after
/// the history (for the startup configs and the generators): continuing a search of n trials in
/// commit order by m gives the same configs as one search of n + m.
/// </para>
/// </summary>
internal sealed class TpePlanner : ITrialPlanner
{
    public const int DefaultStartupTrials = 10;

    /// <summary>Candidates drawn from l per parameter.</summary>
    public const int Candidates = 24;

    private const double PriorWeight = 1.0;

    private readonly SearchSpace _space;
    private readonly int _trials;
    private readonly long _seed;
    private readonly ScoringKind _scoring;
    private readonly int _startup;
    private readonly IReadOnlyList<IReadOnlyDictionary<string, double>> _startupConfigs;
    private readonly IReadOnlyList<TrialOutcome> _history;
    private readonly (string Name, ParamDistribution Distribution, TpeDimension? Dimension)[] _parameters;

    /// <param name="history">Committed trials of an earlier search over the same data (continue_from): the estimator learns from them first; they are never run again.</param>
    public TpePlanner(SearchSpace space, int trials, long seed, ScoringKind scoring, int startupTrials = DefaultStartupTrials, IReadOnlyList<TrialOutcome>? history = null)
    {
        ArgumentNullException.ThrowIfNull(space);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(startupTrials);
        _space = space;
        _trials = trials;
        _seed = seed;
        _scoring = scoring;
        _startup = startupTrials;
        _history = history?.Where(o => o.Trial.Rung == 0 && double.IsFinite(o.MeanScore)).ToArray() ?? [];
        // A continued search goes on where its history ended: trial i here is trial history + i of one long search.
        _startupConfigs = space.Sample(Math.Min(startupTrials, _history.Count + trials), seed);
        _parameters = space.Parameters.Select(p => (p.Key, p.Value, TpeDimension.For(p.Value))).ToArray();
    }

    public int CandidateCount => _trials;

    public int EstimatedTotalTrials => _trials;

    /// <summary>Always empty: a TPE trial does not exist until <see cref="Next"/> decides it from the results so far.</summary>
    public IReadOnlyList<TrialSpec> Pending(IReadOnlyCollection<TrialOutcome> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return [];
    }

    public bool IsFinished(IReadOnlyCollection<TrialOutcome> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return Done(completed).Count >= _trials;
    }

    public IReadOnlyList<TrialSpec> Next(IReadOnlyList<TrialOutcome> completed, IReadOnlyCollection<TrialSpec> inFlight, int count)
    {
        ArgumentNullException.ThrowIfNull(completed);
        ArgumentNullException.ThrowIfNull(inFlight);
        if (count <= 0)
        {
            return [];
        }

        var done = Done(completed);
        var held = inFlight.Where(t => t.Rung == 0).Select(t => t.TrialId).ToHashSet();
        var scored = new List<IReadOnlyDictionary<string, double>>();
        var losses = new List<double>();
        var seen = new HashSet<int>();
        foreach (var outcome in _history)
        {
            scored.Add(outcome.Trial.Params);
            losses.Add(Loss(outcome.MeanScore));
        }

        foreach (var outcome in completed)
        {
            if (outcome.Trial.Rung == 0 && InPlan(outcome.Trial.TrialId) && seen.Add(outcome.Trial.TrialId) && double.IsFinite(outcome.MeanScore))
            {
                scored.Add(outcome.Trial.Params);
                losses.Add(Loss(outcome.MeanScore));
            }
        }

        var liars = inFlight.Where(t => t.Rung == 0).OrderBy(t => t.TrialId).Select(t => t.Params).ToList();
        var next = new List<TrialSpec>(Math.Min(count, _trials));
        for (var id = 0; id < _trials && next.Count < count; id++)
        {
            if (done.Contains(id) || held.Contains(id))
            {
                continue;
            }

            var config = Decide(id, scored, losses, liars);
            next.Add(new TrialSpec(id, 0, HyperParameters.Rounds(config), config));
            liars.Add(config);
        }

        return next;
    }

    public TrialOutcome Best(IReadOnlyCollection<TrialOutcome> completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        return TrialPlanner.BestOf(_history.Concat(completed.Where(o => o.Trial.Rung == 0)), _scoring);
    }

    /// <summary>The config of trial <paramref name="id"/>, given what is known and what is still running.</summary>
    internal IReadOnlyDictionary<string, double> Decide(
        int id,
        IReadOnlyList<IReadOnlyDictionary<string, double>> scored,
        IReadOnlyList<double> losses,
        IReadOnlyList<IReadOnlyDictionary<string, double>> liars)
    {
        var known = scored.Count + liars.Count;
        var position = _history.Count + id;
        if (position < _startupConfigs.Count)
        {
            return _startupConfigs[position];
        }

        var rng = TrialRandom(_seed, position);
        if (known < _startup || scored.Count == 0)
        {
            return RandomConfig(rng);
        }

        // Good = the best gamma(n) by loss among everything known, liars counted in n and ranked last.
        var below = ParzenWeights.Gamma(known);
        var ranked = Enumerable.Range(0, scored.Count).OrderBy(i => losses[i]).ThenBy(i => i).ToArray();
        var isGood = new bool[scored.Count];
        foreach (var i in ranked.Take(Math.Min(below, scored.Count)))
        {
            isGood[i] = true;
        }

        var good = Enumerable.Range(0, scored.Count).Where(i => isGood[i]).Select(i => scored[i]).ToArray();
        var rest = Enumerable.Range(0, scored.Count).Where(i => !isGood[i]).Select(i => scored[i]).Concat(liars).ToArray();
        var config = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, distribution, dimension) in _parameters)
        {
            config[name] = HyperParameters.Coerce(name, SampleParameter(name, distribution, dimension, good, rest, rng));
        }

        HyperParameters.Validate(config);
        return config;
    }

    private double SampleParameter(
        string name,
        ParamDistribution distribution,
        TpeDimension? dimension,
        IReadOnlyList<IReadOnlyDictionary<string, double>> good,
        IReadOnlyList<IReadOnlyDictionary<string, double>> rest,
        Random rng)
    {
        if (distribution is Choice choice)
        {
            return choice.Values.Count == 1 ? choice.Values[0] : choice.Values[SampleChoice(name, choice, good, rest, rng)];
        }

        if (dimension is null)
        {
            // A range of one value.
            return distribution.Min;
        }

        var l = new NumericParzen(Coordinates(name, dimension, good), dimension.Low, dimension.High, PriorWeight);
        var g = new NumericParzen(Coordinates(name, dimension, rest), dimension.Low, dimension.High, PriorWeight);
        var bestT = 0.0;
        var bestGain = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var t = l.Sample(rng);
            double gain;
            if (dimension.Bin(t) is var (from, to))
            {
                gain = l.LogMass(from, to) - g.LogMass(from, to);
            }
            else
            {
                gain = l.LogDensity(t) - g.LogDensity(t);
            }

            if (gain > bestGain)
            {
                (bestT, bestGain) = (t, gain);
            }
        }

        return dimension.FromInternal(bestT);
    }

    private static int SampleChoice(
        string name,
        Choice choice,
        IReadOnlyList<IReadOnlyDictionary<string, double>> good,
        IReadOnlyList<IReadOnlyDictionary<string, double>> rest,
        Random rng)
    {
        var l = new CategoricalParzen(Indices(name, choice, good), choice.Values.Count, PriorWeight);
        var g = new CategoricalParzen(Indices(name, choice, rest), choice.Values.Count, PriorWeight);
        var best = 0;
        var bestGain = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var index = l.Sample(rng);
            var gain = l.LogProbability(index) - g.LogProbability(index);
            if (gain > bestGain)
            {
                (best, bestGain) = (index, gain);
            }
        }

        return best;
    }

    /// <summary>The parameter's internal coordinates in the configs that have it, oldest first.</summary>
    private static List<double> Coordinates(string name, TpeDimension dimension, IReadOnlyList<IReadOnlyDictionary<string, double>> configs)
    {
        var values = new List<double>(configs.Count);
        foreach (var config in configs)
        {
            if (Lookup(config, name) is { } value && dimension.ToInternal(value) is var t && double.IsFinite(t))
            {
                values.Add(t);
            }
        }

        return values;
    }

    /// <summary>The choice index of the parameter in the configs that have one of the choice's values, oldest first.</summary>
    private static List<int> Indices(string name, Choice choice, IReadOnlyList<IReadOnlyDictionary<string, double>> configs)
    {
        var indices = new List<int>(configs.Count);
        foreach (var config in configs)
        {
            if (Lookup(config, name) is { } value)
            {
                for (var i = 0; i < choice.Values.Count; i++)
                {
                    if (choice.Values[i].Equals(value))
                    {
                        indices.Add(i);
                        break;
                    }
                }
            }
        }

        return indices;
    }

    /// <summary>A config's value for a canonical parameter name, under whatever spelling the config used.</summary>
    private static double? Lookup(IReadOnlyDictionary<string, double> config, string canonical)
    {
        if (config.TryGetValue(canonical, out var value))
        {
            return value;
        }

        foreach (var (name, v) in config)
        {
            if (HyperParameters.Canonical(name) == canonical)
            {
                return v;
            }
        }

        return null;
    }

    private SortedDictionary<string, double> RandomConfig(Random rng)
    {
        var config = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, distribution, _) in _parameters)
        {
            config[name] = HyperParameters.Coerce(name, distribution.Sample(rng));
        }

        HyperParameters.Validate(config);
        return config;
    }

    /// <summary>Lower is better, whatever the scoring.</summary>
    private double Loss(double score) => Scoring.HigherIsBetter(_scoring) ? -score : score;

    private bool InPlan(int id) => id >= 0 && id < _trials;

    private HashSet<int> Done(IEnumerable<TrialOutcome> completed) =>
        completed.Where(o => o.Trial.Rung == 0 && InPlan(o.Trial.TrialId)).Select(o => o.Trial.TrialId).ToHashSet();

    /// <summary>A generator of its own for each trial: SplitMix64 of (seed, id), folded into the seeded legacy Random whose sequence .NET keeps stable.</summary>
    internal static Random TrialRandom(long seed, int id)
    {
        unchecked
        {
            var z = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)id + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return new Random((int)(z >> 33));
        }
    }
}
