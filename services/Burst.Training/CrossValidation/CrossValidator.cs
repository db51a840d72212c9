using System.Diagnostics;
using System.Threading.Channels;
using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>
/// K-fold cross-validation of many trials over one training set. Each fold's training and
/// validation DMatrix is built once and shared, read-only, by every trial: XGBoost's histogram index
/// lives in the DMatrix, so building it once per fold instead of once per fit is most of the saving.
/// </summary>
public sealed partial class CrossValidator : IDisposable
{
    private readonly TabularData _train;
    private readonly int[] _foldOf;
    private int _buildThreads;
    private readonly long _seed;
    private readonly ScoringKind _scoring;
    private readonly Dictionary<int, FoldSet> _foldSets = [];
    private readonly Dictionary<(int TrialId, int Fold), KeptModel> _kept = [];
    private readonly Lock _gate = new();
    private long _boostedRounds;
    private int _earlyStoppingRounds;
    private bool _disposed;

    private CrossValidator(TabularData train, int folds, long seed, ScoringKind scoring, bool shuffleFolds)
    {
        _train = train;
        Folds = folds;
        _seed = seed;
        _scoring = scoring;
        _foldOf = StratifiedFolds.Assign(train.Labels.Span, folds, shuffleFolds ? seed : null);
    }

    public int Folds { get; }

    public ScoringKind Scoring => _scoring;

    /// <summary>
    /// Splits <paramref name="train"/> into stratified folds (scikit-learn's unshuffled
    /// StratifiedKFold unless <paramref name="shuffleFolds"/>) and builds their matrices. The seed
    /// seeds XGBoost (and the fold shuffle when asked for). The matrices are built on
    /// <paramref name="threads"/> threads (0: every core): an agent sharing its machine uses its share.
    /// </summary>
    public static CrossValidator Create(TabularData train, int folds, long seed, ScoringKind scoring, bool shuffleFolds = false, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(train);
        var validator = new CrossValidator(train, folds, seed, scoring, shuffleFolds) { _buildThreads = Math.Max(0, threads) };
        try
        {
            validator.FoldsFor(BoosterParameters.DefaultMaxBin);
            return validator;
        }
        catch
        {
            validator.Dispose();
            throw;
        }
    }

    /// <summary>The test fold of every training row, for inspection and tests.</summary>
    public IReadOnlyList<int> FoldOfRow => _foldOf;

    /// <summary>
    /// Keep each trial's fold boosters after a run, so that a later run of the same trial (same
    /// TrialId and params) with more rounds continues them instead of starting over: a successive-
    /// halving rung then costs only the rounds its survivors add. Each fold's model is kept
    /// serialised (kilobytes), and models of trials absent from the next run are dropped when it starts. The scores are the same as training from scratch; configs
    /// that sample rows or columns are always retrained, since their random stream would differ.
    /// </summary>
    public bool ContinueTrials { get; set; }

    /// <summary>
    /// Stop each fold's booster once its held-out fold's score (the validator's scoring, as XGBoost
    /// evaluates it each round) has not improved for this many rounds; 0 (the default) trains every
    /// round. The fold keeps its best iteration: the outcome's fold scores are the scores there, and
    /// <see cref="TrialOutcome.FoldRounds"/> the rounds each fold kept. Early-stopped trials are not
    /// kept for <see cref="ContinueTrials"/>: a continued booster would have to resume the stopping
    /// state too.
    /// </summary>
    public int EarlyStoppingRounds
    {
        get => _earlyStoppingRounds;
        set => _earlyStoppingRounds = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "EarlyStoppingRounds must not be negative (0 turns early stopping off).");
    }

    /// <summary>Boosting rounds actually run by this validator (continued trials count only their new rounds).</summary>
    public long BoostedRounds => Interlocked.Read(ref _boostedRounds);

    /// <summary>
    /// Cross-validates every trial, <see cref="Parallelism.Concurrency"/> fits at a time with
    /// <see cref="Parallelism.ThreadsPerTrial"/> XGBoost threads each. <paramref name="onTrial"/> runs
    /// once per finished trial, one call at a time, on the caller's side (never concurrently with
    /// itself); an exception from it stops the run. Fits are checked for cancellation between
    /// boosting rounds. Must not overlap <see cref="Dispose"/>.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<TrialSpec> trials, Parallelism parallelism, Func<TrialOutcome, ValueTask> onTrial, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(onTrial);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (trials.Count == 0)
        {
            return;
        }

        foreach (var trial in trials)
        {
            HyperParameters.Validate(trial.Params);
            ArgumentOutOfRangeException.ThrowIfLessThan(trial.Rounds, 1, $"Rounds of trial {trial.TrialId}");
        }

        // Matrices for any non-default max_bin are built (and warmed) here, before fits share them.
        foreach (var maxBin in trials.Select(t => BoosterParameters.MaxBin(t.Params)).Distinct())
        {
            FoldsFor(maxBin);
        }

        ReleaseKeptBoostersNotIn(trials);

        // Longest fits first, so the last ones to finish are short and no core idles long at the end.
        var patience = _earlyStoppingRounds;
        var order = trials.Select((t, i) => (Trial: t, State: new TrialState(t, Folds, patience > 0)))
            .OrderByDescending(x => x.Trial.EstimatedWork)
            .ThenBy(x => x.Trial.TrialId)
            .Select(x => x.State)
            .ToArray();
        var work = order.SelectMany(state => Enumerable.Range(0, Folds).Select(fold => (State: state, Fold: fold))).ToArray();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var finished = Channel.CreateUnbounded<TrialOutcome>(new UnboundedChannelOptions { SingleReader = true });
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(parallelism.Concurrency, work.Length)).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var predictions = new float[_train.Rows];
                int item;
                try
                {
                    while ((item = Interlocked.Increment(ref next)) < work.Length)
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        var (state, fold) = work[item];
                        state.Begin();
                        var (score, kept) = FitFold(state.Trial, fold, parallelism.ThreadsPerTrial, patience, predictions, stop.Token);
                        if (state.Record(fold, score, kept) is { } outcome)
                        {
                            finished.Writer.TryWrite(outcome);
                        }
                    }
                }
                catch
                {
                    // One failed fit fails the batch: stop the other workers instead of letting them finish it.
                    stop.Cancel();
                    throw;
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();

        await DeliverAsync(workers, finished, stop, onTrial).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands each finished trial to <paramref name="onTrial"/>, one at a time, until the workers end.
    /// A failing callback stops the workers and is the error rethrown; a failing worker completes
    /// <paramref name="finished"/> with its root cause.
    /// </summary>
    private static async Task DeliverAsync(Task[] workers, Channel<TrialOutcome> finished, CancellationTokenSource stop, Func<TrialOutcome, ValueTask> onTrial)
    {
        var all = Task.WhenAll(workers);
        _ = all.ContinueWith(t => finished.Writer.TryComplete(RootCause(t.Exception)), TaskScheduler.Default);
        try
        {
            await foreach (var outcome in finished.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                await onTrial(outcome).ConfigureAwait(false);
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await all.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The workers' own failures are secondary to the one rethrown below.
            }

            throw;
        }

        await all.ConfigureAwait(false);
    }

    /// <summary>The error that stopped the workers, rather than the cancellations it caused in the others.</summary>
    private static Exception? RootCause(AggregateException? failure) =>
        failure?.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? failure?.InnerExceptions.FirstOrDefault();

    /// <summary>
    /// Trains one trial on one fold's training rows and scores it on the fold's held-out rows; with
    /// <paramref name="patience"/> &gt; 0, early-stopped and scored at its best iteration, whose
    /// rounds it returns as well.
    /// </summary>
    private (double Score, int Kept) FitFold(TrialSpec trial, int fold, int threads, int patience, float[] predictions, CancellationToken ct)
    {
        var set = FoldsFor(BoosterParameters.MaxBin(trial.Params));
        var (train, validation, labels) = set.Folds[fold];
        var parameters = BoosterParameters.For(trial.Params, threads, _seed);
        if (patience > 0)
        {
            return FitFoldEarlyStopped(trial, train, validation, labels, parameters, patience, predictions, ct);
        }

        using var booster = TakeKept(trial, fold) is { } previous
            ? Booster.Continue(train, previous.Model, parameters)
            : Booster.Create(train, parameters);
        var before = booster.BoostedRounds;
        booster.Train(train, trial.Rounds, ct);
        Interlocked.Add(ref _boostedRounds, trial.Rounds - before);
        var output = predictions.AsSpan(0, labels.Length);
        booster.PredictInto(validation, output);
        var score = Search.Scoring.Score(_scoring, labels, output);
        if (ContinueTrials && CanContinue(trial.Params))
        {
            // The model is a few kilobytes; a live booster keeps megabytes of histogram buffers.
            var model = new KeptModel(booster.SaveBinary(), trial.Rounds, trial.Params);
            lock (_gate)
            {
                if (!_disposed)
                {
                    _kept[(trial.TrialId, fold)] = model;
                }
            }
        }

        return (score, trial.Rounds);
    }

    private (double Score, int Kept) FitFoldEarlyStopped(
        TrialSpec trial,
        DMatrix train,
        DMatrix validation,
        float[] labels,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        int patience,
        float[] predictions,
        CancellationToken ct)
    {
        using var booster = Booster.Create(train, parameters.Append(new("eval_metric", EarlyStopping.MetricFor(_scoring))));
        var (kept, trained) = EarlyStopping.Train(booster, train, validation, trial.Rounds, patience, _scoring, ct);
        Interlocked.Add(ref _boostedRounds, trained);
        var output = predictions.AsSpan(0, labels.Length);
        booster.PredictInto(validation, output, kept);
        return (Search.Scoring.Score(_scoring, labels, output), kept);
    }

    /// <summary>Row and column sampling draw from XGBoost's random stream, which other fits on the same thread advance in between.</summary>
    private static bool CanContinue(IReadOnlyDictionary<string, double> config) =>
        !config.Any(p => p.Key.StartsWith("subsample", StringComparison.Ordinal) || p.Key.StartsWith("colsample", StringComparison.Ordinal));

    private KeptModel? TakeKept(TrialSpec trial, int fold)
    {
        if (!ContinueTrials)
        {
            return null;
        }

        lock (_gate)
        {
            // A model kept for other params or more rounds cannot be continued into this trial.
            return _kept.Remove((trial.TrialId, fold), out var kept) && SameConfig(kept.Params, trial.Params) && kept.Rounds <= trial.Rounds ? kept : null;
        }
    }

    /// <summary>Forgets kept models that this run cannot continue: other trials, other params, or more rounds than asked for.</summary>
    private void ReleaseKeptBoostersNotIn(IReadOnlyList<TrialSpec> trials)
    {
        var wanted = trials.GroupBy(t => t.TrialId).ToDictionary(g => g.Key, g => g.First());
        lock (_gate)
        {
            foreach (var (key, kept) in _kept.ToArray())
            {
                if (!wanted.TryGetValue(key.TrialId, out var trial) || !SameConfig(kept.Params, trial.Params) || kept.Rounds > trial.Rounds)
                {
                    _kept.Remove(key);
                }
            }
        }
    }

    private static bool SameConfig(IReadOnlyDictionary<string, double> a, IReadOnlyDictionary<string, double> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v.Equals(p.Value));

    private FoldSet FoldsFor(int maxBin)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_foldSets.TryGetValue(maxBin, out var set))
            {
                set = OpenMp.OnOwnThread(() => FoldSet.Build(_train, _foldOf, Folds, maxBin, _buildThreads));
                _foldSets[maxBin] = set;
            }

            return set;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _kept.Clear();
            foreach (var set in _foldSets.Values)
            {
                set.Dispose();
            }

            _foldSets.Clear();
        }
    }

    /// <summary>A fold's model after a run, kept so a later rung can continue it.</summary>
    private sealed record KeptModel(byte[] Model, int Rounds, IReadOnlyDictionary<string, double> Params);

    /// <summary>Fold scores (and with early stopping, kept rounds) of one trial as they come in; the last fold in makes the outcome.</summary>
    private sealed class TrialState(TrialSpec trial, int folds, bool earlyStopping)
    {
        private readonly double[] _scores = new double[folds];
        private readonly int[] _kept = new int[folds];
        private long _started;
        private int _remaining = folds;

        public TrialSpec Trial { get; } = trial;

        /// <summary>Marks the start of the trial's first fold; a trial's duration does not include its wait in the queue.</summary>
        public void Begin() => Interlocked.CompareExchange(ref _started, Stopwatch.GetTimestamp(), 0);

        public TrialOutcome? Record(int fold, double score, int kept)
        {
            _scores[fold] = score;
            _kept[fold] = kept;
            if (Interlocked.Decrement(ref _remaining) != 0)
            {
                return null;
            }

            // The decrement is a full fence: every other fold's score is visible here.
            return new TrialOutcome(Trial, _scores, _scores.Average(), Stopwatch.GetElapsedTime(_started), earlyStopping ? _kept : null);
        }
    }

    /// <summary>The training and validation matrices of every fold, for one max_bin.</summary>
    private sealed class FoldSet : IDisposable
    {
        private FoldSet((DMatrix Train, DMatrix Validation, float[] Labels)[] folds) => Folds = folds;

        public (DMatrix Train, DMatrix Validation, float[] Labels)[] Folds { get; }

        public static FoldSet Build(TabularData data, int[] foldOf, int folds, int maxBin, int threads)
        {
            var built = new List<(DMatrix, DMatrix, float[])>(folds);
            try
            {
                for (var f = 0; f < folds; f++)
                {
                    var trainRows = Enumerable.Range(0, data.Rows).Where(r => foldOf[r] != f).ToArray();
                    var testRows = Enumerable.Range(0, data.Rows).Where(r => foldOf[r] == f).ToArray();
                    var trainPart = data.Subset(trainRows);
                    var testPart = data.Subset(testRows);
                    var train = DMatrix.FromDense(trainPart.Features.Span, trainPart.Rows, trainPart.Columns, trainPart.Labels.Span, threads);
                    // Labels on the held-out matrix let XGBoost score it each round for early stopping.
                    built.Add((train, DMatrix.FromDense(testPart.Features.Span, testPart.Rows, testPart.Columns, testPart.Labels.Span, threads), testPart.Labels.ToArray()));
                    Warm(train, built[^1].Item2, maxBin, threads);
                }

                return new FoldSet(built.ToArray());
            }
            catch
            {
                foreach (var (train, validation, _) in built)
                {
                    train.Dispose();
                    validation.Dispose();
                }

                throw;
            }
        }

        /// <summary>
        /// XGBoost builds a DMatrix's histogram index lazily, on the first fit, without locking; one
        /// throwaway round here builds it before concurrent trials read it.
        /// </summary>
        private static void Warm(DMatrix train, DMatrix validation, int maxBin, int threads)
        {
            using var booster = Booster.Create(train, [
                new("nthread", (threads > 0 ? threads : Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("objective", "binary:logistic"),
                new("tree_method", "hist"),
                new("max_bin", maxBin.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("max_depth", "1"),
            ]);
            booster.UpdateOneIter(0, train);
            _ = booster.Predict(validation);
        }

        public void Dispose()
        {
            foreach (var (train, validation, _) in Folds)
            {
                train.Dispose();
                validation.Dispose();
            }
        }
    }
}
