using Burst.ControlPlane.Runtime;
using Burst.V1;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>What each kind of report commits (PROTOCOL.md, 3).</summary>
internal static partial class JobCore
{
    private static void ApplyReport(Draft d, WorkerView worker, Report report)
    {
        switch (report.KindCase)
        {
            case Report.KindOneofCase.Trial:
                var trial = report.Trial.Clone();
                trial.WorkerId = worker.Id;
                var key = TrialKey.Of(trial);
                d.PutWorker(worker.Record with { Assigned = worker.Record.Assigned.Where(t => TrialKey.Of(t) != key).ToArray() });

                // A duplicate (a re-sent result) or a trial the search does not have is acked and not stored.
                if (!d.State.IsCommitted(key) && trial.TrialId >= 0 && trial.TrialId < d.State.Search.CandidateCount && trial.Rung >= 0)
                {
                    d.Event(JobEvents.Trial(d.Now, trial));
                    d.AddTrial(trial);
                }

                break;

            case Report.KindOneofCase.Progress:
                var progress = d.Job.Progress?.Clone() ?? new Progress();
                progress.MergeFrom(report.Progress);
                d.EditJob().Progress = progress;
                d.Event(JobEvents.Progress(d.Now, progress));
                break;

            case Report.KindOneofCase.Log:
                var line = report.Log.Clone();
                line.WorkerId = worker.Id;
                d.Event(JobEvents.Log(d.Now, line));
                break;

            case Report.KindOneofCase.Failure when IsWorking(d):
                var reason = string.IsNullOrEmpty(report.Failure.Reason) ? "AGENT_FAILURE" : report.Failure.Reason;
                var message = $"worker {worker.Id}: {report.Failure.Message}";
                Fail(d, reason, message, new ControlMessage { Shutdown = new Shutdown { Reason = $"the job failed: {message}" } });
                break;

            case Report.KindOneofCase.Result when d.Job.State == JobState.Running:
                var result = report.Result.Clone();
                var job = d.EditJob();
                job.Result = result;
                if (job.Progress is { } done)
                {
                    done.Phase = "done";
                    done.Eta = null;
                }

                AddCost(d);
                d.Event(JobEvents.Result(d.Now, result));
                d.MoveTo(JobState.Succeeded, $"worker {worker.Id} reported the result");
                Close(d, new ControlMessage { Shutdown = new Shutdown { Reason = "the job succeeded" } }, stopWorkers: true);
                break;

            case Report.KindOneofCase.Idle:
                d.Touch(worker.Id, w => w with { Slots = Handout.SlotsOnIdle(w.Slots, w.Cores) });
                break;

            case Report.KindOneofCase.WorkRequest:
                d.Touch(worker.Id, w => w with { Slots = Handout.LearnSlots(w.Slots, report.WorkRequest) });
                break;

            // A failure or result while the job is being cancelled changes nothing: the cancel wins.
            default:
                break;
        }
    }
}
