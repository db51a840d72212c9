using System.Diagnostics;
using Burst.Training.Search;

namespace Burst.Training;

/// <summary>A whole search on one machine: what to search, on which data, with how many cores (0: all).</summary>
public sealed record SearchRequest(TabularData Train, TabularData? Test, SearchSettings Settings, int Cores = 0);

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

    /// <summary>Boosting rounds actually run: every fold of every trial (continued halving trials count their added rounds only), plus the refit's.</summary>
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
        using (var validator = CrossValidator.Create(request.Train, settings.Folds, settings.Seed, settings.Scoring))
        {
            // A halving rung continues its survivors' boosters from the rung before.
            validator.ContinueTrials = settings.Strategy == SearchStrategyKind.SuccessiveHalving;
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
        var model = Refit.Run(request.Train, best.Trial, cores, ct, settings.Seed);
        try
        {
            var searchTime = Stopwatch.GetElapsedTime(started);
            rounds += best.Trial.Rounds;
            var test = request.Test is null ? null : model.Evaluate(request.Test);
            return new SearchResult(best, completed, model, test, searchTime, completed.Count * settings.Folds + 1, rounds);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
