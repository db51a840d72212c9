using System.Collections.Concurrent;
using System.Threading.Channels;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>Cross-validation of trials that arrive while earlier ones still run (trials handed out on demand).</summary>
public sealed partial class CrossValidator
{
    /// <summary>
    /// Cross-validates every trial read from <paramref name="trials"/> until the reader completes,
    /// <see cref="Parallelism.Concurrency"/> fold fits at a time: a trial's folds join the queue of fits
    /// as soon as it arrives, so the cores stay busy across hand-outs instead of waiting for a batch to
    /// end. <paramref name="onTrial"/> runs once per finished trial, one call at a time; an exception
    /// from it or from a fit stops the run. Kept boosters (<see cref="ContinueTrials"/>) are continued
    /// when the same trial comes back with more rounds. Must not overlap another run or <see cref="Dispose"/>.
    /// </summary>
    public async Task RunStreamAsync(ChannelReader<TrialSpec> trials, Parallelism parallelism, Func<TrialOutcome, ValueTask> onTrial, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(parallelism);
        ArgumentNullException.ThrowIfNull(onTrial);
        ObjectDisposedException.ThrowIf(_disposed, this);

        var patience = _earlyStoppingRounds;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var fits = new BlockingCollection<(TrialState State, int Fold)>();
        var finished = Channel.CreateUnbounded<TrialOutcome>(new UnboundedChannelOptions { SingleReader = true });
        var pump = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var trial in trials.ReadAllAsync(stop.Token).ConfigureAwait(false))
                    {
                        HyperParameters.Validate(trial.Params);
                        ArgumentOutOfRangeException.ThrowIfLessThan(trial.Rounds, 1, $"Rounds of trial {trial.TrialId}");

                        // Matrices for a non-default max_bin are built (and warmed) before fits share them.
                        FoldsFor(BoosterParameters.MaxBin(trial.Params));
                        var state = new TrialState(trial, Folds, patience > 0);
                        for (var fold = 0; fold < Folds; fold++)
                        {
                            fits.Add((state, fold), stop.Token);
                        }
                    }
                }
                catch
                {
                    stop.Cancel();
                    throw;
                }
                finally
                {
                    fits.CompleteAdding();
                }
            },
            stop.Token);
        var workers = Enumerable.Range(0, parallelism.Concurrency).Select(_ => Task.Factory.StartNew(
            () =>
            {
                var predictions = new float[_train.Rows];
                try
                {
                    foreach (var (state, fold) in fits.GetConsumingEnumerable(stop.Token))
                    {
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
                    stop.Cancel();
                    throw;
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).Append(pump).ToArray();

        await DeliverAsync(workers, finished, stop, onTrial).ConfigureAwait(false);
    }
}
