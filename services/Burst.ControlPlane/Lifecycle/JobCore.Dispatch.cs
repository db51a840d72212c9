using Burst.ControlPlane.Runtime;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>Handing out trials on demand, promoting rungs, and the one refit.</summary>
internal static partial class JobCore
{
    /// <summary>
    /// Hands the planner's next trials to attached workers with room (<see cref="Handout"/>), or, once
    /// every trial is committed, asks exactly one attached worker to refit. Promotions of successive
    /// halving come out of the planner's Pending/Next from committed results alone, so a worker lost
    /// mid-rung only puts its trials back in the queue. The hand-out is in the commit, so it is durable
    /// before RunTrials is sent.
    /// </summary>
    private static void Dispatch(Draft d)
    {
        if (d.Job.State != JobState.Running)
        {
            return;
        }

        var state = d.State;
        var planner = state.Search;
        if (planner.IsFinished(state.Completed))
        {
            if (state.Workers.Any(w => w.IsLive && w.Record.Refit) || state.Workers.FirstOrDefault(w => w.IsAttached) is not { } refitter)
            {
                return;
            }

            d.PutWorker(refitter.Record with { Refit = true });
            d.Effect(new SendToAgent(refitter.Id, new ControlMessage { Refit = RefitMessage(d.State) }));
            return;
        }

        var live = state.Workers.Where(w => w.IsLive)
            .Select(w => new WorkerDemand(w.Id, w.IsAttached, state.Outstanding(w).Select(TrialMapping.ToTrialSpec).ToList(), w.Slots))
            .ToList();
        // A halving survivor goes back, where it can, to the worker that kept its boosters from the rung before.
        Func<Training.Search.TrialSpec, string?>? continuedBy = d.Job.Spec.Search.Strategy == SearchStrategy.SuccessiveHalving
            ? t => t.Rung == 0 ? null : state.Results.FirstOrDefault(r => r.TrialId == t.TrialId && r.Rung == t.Rung - 1)?.WorkerId
            : null;
        foreach (var (workerId, trials) in Handout.Plan(planner, state.Completed, live, continuedBy))
        {
            var worker = d.State.Worker(workerId)!;
            var batch = trials.Select(SearchMapping.ToTrialToRun).ToList();
            d.PutWorker(worker.Record with { Assigned = [.. d.State.Outstanding(worker), .. batch] });
            d.Effect(new SendToAgent(workerId, new ControlMessage { RunTrials = new RunTrials { Trials = { batch } } }));
        }
    }

    private static Refit RefitMessage(JobSnapshot state)
    {
        var completed = state.Completed;
        var best = state.Search.Best(completed);

        // With early stopping the refit trains the folds' mean best iteration; the best may be an inherited trial.
        var refit = new Refit
        {
            Best = SearchMapping.ToTrialToRun(best.Trial with { Rounds = best.RefitRounds }),
            CvBest = best.MeanScore,
            Trials = state.History.Count + completed.Count,
            Fits = completed.Sum(o => o.FoldScores.Count),
            ModelUri = state.Job.Spec.Output.ModelUri,
            JobChain = { state.JobId },
        };
        refit.JobChain.AddRange(state.Ancestors);
        refit.BestFoldRounds.AddRange(best.FoldRounds ?? []);
        return refit;
    }
}
