using System.Diagnostics;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>
/// A whole search on one machine: what to search, on which data, with how many cores (0: all).
/// <paramref name="ParallelTrials"/> is how many trials a TPE search keeps in flight (0: one); each
/// is decided when a slot frees, from the results committed by then.
/// </summary>
public sealed record SearchRequest(TabularData Train, TabularData? Test, SearchSettings Settings, int Cores = 0, int ParallelTrials = 0);

/// <summary>The outcome of <see cref="SearchRunner.RunAsync"/>; owns the refitted model.</summary>
public sealed class SearchResult(
    TrialOutcome best,
    IReadOnlyList<TrialOutcome> trials,
    TrainedModel model,
    Metrics? testMetrics,
    TimeSpan searchTime,
    int fits,
    long boostingRounds) : IDisposable
{
    public TrialOutcome Best { get; } = best;

    /// <summary>Every finished trial, in the order they finished.</summary>
    public IReadOnlyList<TrialOutcome> Trials { get; } = trials;

    /// <summary>The best config refitted on all training rows.</summary>
    public TrainedModel Model { get; } = model;

    public Metrics? TestMetrics { get; } = testMetrics;

    /// <summary>Wall time of the search and the refit (fold building included, data loading and test scoring not).</summary>
    public TimeSpan SearchTime { get; } = searchTime;

    /// <summary>Models trained: one per trial and fold, plus the refit.</summary>
    public int Fits { get; } = fits;

    /// <summary>Boosting rounds actually run: every fold of every trial (continued halving trials count their added rounds only, early-stopped folds the rounds they trained), plus the refit's.</summary>
    public long BoostingRounds { get; } = boostingRounds;

    public void Dispose() => Model.Dispose();
}

/// <summary>Planner, cross-validation, refit and test metrics, end to end; what <c>burst-agent train</c> runs.</summary>
public static class SearchRunner
{
    public static async Task<SearchResult> RunAsync(SearchRequest request, Func<TrialOutcome, ValueTask>? onTrial, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Settings;
        var cores = request.Cores > 0 ? request.Cores : Environment.ProcessorCount;
        var planner = TrialPlanner.Create(settings);
        var started = Stopwatch.GetTimestamp();
        var completed = new List<TrialOutcome>();
        long rounds;
        using (var validator = CrossValidator.Create(request.Train, settings.Folds, settings.Seed, settings.Scoring, threads: cores))
        {
            // A halving rung continues its survivors' boosters from the rung before.
            validator.ContinueTrials = settings.Strategy == SearchStrategyKind.SuccessiveHalving;
            validator.EarlyStoppingRounds = settings.EarlyStoppingRounds;
            if (settings.Strategy == SearchStrategyKind.Tpe)
            {
                await RunOnDemandAsync(planner, validator, cores, Math.Max(1, request.ParallelTrials), completed, onTrial, ct).ConfigureAwait(false);
            }

            // Successive halving needs a rung's results before it knows the next rung's trials.
            for (var pending = planner.Pending(completed); pending.Count > 0; pending = planner.Pending(completed))
            {
                await validator.RunAsync(
                    pending,
                    Parallelism.For(cores, pending.Count * settings.Folds),
                    async outcome =>
                    {
                        completed.Add(outcome);
                        if (onTrial is not null)
                        {
                            await onTrial(outcome).ConfigureAwait(false);
                        }
                    },
                    ct).ConfigureAwait(false);
            }

            rounds = validator.BoostedRounds;
        }

        var best = planner.Best(completed);
        // With early stopping the refit trains the folds' mean best iteration, not the budget.
        var refit = best.Trial with { Rounds = best.RefitRounds };
        var model = Refit.Run(request.Train, refit, cores, ct, settings.Seed);
        try
        {
            var searchTime = Stopwatch.GetElapsedTime(started);
            rounds += refit.Rounds;
            var test = request.Test is null ? null : model.Evaluate(request.Test);
            return new SearchResult(best, completed, model, test, searchTime, completed.Count * settings.Folds + 1, rounds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Keeps <paramref name="slots"/> trials in flight, asking the planner for the next one each time
    /// a trial finishes, so an adaptive planner decides it from every result committed so far
    /// (the trials still running count as provisional ones). The cores are shared out evenly among
    /// the slots.
    /// </summary>
    private static async Task RunOnDemandAsync(
        ITrialPlanner planner,
        CrossValidator validator,
        int cores,
        int slots,
        List<TrialOutcome> completed,
        Func<TrialOutcome, ValueTask>? onTrial,
        CancellationToken ct)
    {
        var parallelism = Parallelism.For(Math.Max(1, cores / slots), validator.Folds);
        var running = new Dictionary<Task<TrialOutcome>, TrialSpec>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (true)
            {
                if (running.Count < slots && !planner.IsFinished(completed))
                {
                    foreach (var trial in planner.Next(completed, running.Values.ToArray(), slots - running.Count))
                    {
                        running.Add(RunOneAsync(validator, trial, parallelism, stop.Token), trial);
                    }
                }

                if (running.Count == 0)
                {
                    return;
                }

                var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
                running.Remove(done);
                var outcome = await done.ConfigureAwait(false);
                completed.Add(outcome);
                if (onTrial is not null)
                {
                    await onTrial(outcome).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            // One failed trial fails the search: stop the others and wait for them before the validator goes.
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var task in running.Keys)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Secondary to the failure being rethrown.
                }
            }

            throw;
        }
    }

    private static async Task<TrialOutcome> RunOneAsync(CrossValidator validator, TrialSpec trial, Parallelism parallelism, CancellationToken ct)
    {
        TrialOutcome? result = null;
        await validator.RunAsync([trial], parallelism, outcome =>
        {
            result = outcome;
            return ValueTask.CompletedTask;
        }, ct).ConfigureAwait(false);
        return result ?? throw new InvalidOperationException($"Trial {trial.TrialId} finished without an outcome.");
    }
}
