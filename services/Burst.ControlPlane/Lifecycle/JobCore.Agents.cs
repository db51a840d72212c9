using Burst.ControlPlane.Runtime;
using Burst.V1;
using Google.Protobuf.WellKnownTypes;

namespace Burst.ControlPlane.Lifecycle;

/// <summary>The control plane's side of the Attach protocol (PROTOCOL.md): Hello, reports, a stream's end.</summary>
internal static partial class JobCore
{
    private static void OnAttached(Draft d, WorkerAttached a)
    {
        if (JobTransitions.IsTerminal(d.Job.State))
        {
            Shutdown(d, a.WorkerId, $"job {d.Job.JobId} is {d.Job.State}.");
            return;
        }

        if (d.State.Worker(a.WorkerId) is not { } worker)
        {
            d.Refuse(RefusalKind.NotProvisioned, $"worker {a.WorkerId} was not provisioned for job {d.Job.JobId}.");
            return;
        }

        if (!worker.IsLive)
        {
            Shutdown(d, worker.Id, $"worker {worker.Id} was declared lost; a replacement runs its trials.");
            return;
        }

        d.Touch(worker.Id, w => w with { Connected = true, LastSeen = d.Now, Cores = a.Hello.Cores });
        if (d.Job.State == JobState.Cancelling)
        {
            d.Effect(new SendToAgent(worker.Id, CancelMessage("the job is being cancelled")));
            d.Effect(new CloseStream(worker.Id));
            d.Touch(worker.Id, w => w with { Connected = false });
            return;
        }

        var record = worker.Record with { State = WorkerState.Attached };
        if (record.Instance.Length == 0 && a.Hello.Pid > 0 && Jobs.JobSpecRules.IsLocal(d.Job.Spec))
        {
            // Started, but the control plane stopped before it stored the process: the agent says which it is.
            record = record with { Instance = a.Hello.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), Pid = a.Hello.Pid };
        }

        d.PutWorker(record);
        var from = string.IsNullOrEmpty(a.Hello.Hostname) ? "" : $" from {a.Hello.Hostname}";
        var version = string.IsNullOrEmpty(a.Hello.AgentVersion) ? "" : $", agent {a.Hello.AgentVersion}";
        d.Event(JobEvents.Worker(d.Now, worker.Id, WorkerState.Attached, record.Instance, $"attached{from}{version}"));
        if (d.Job.State == JobState.Provisioning)
        {
            d.MoveTo(JobState.Running, $"worker {worker.Id} attached");
        }

        d.Effect(new SendToAgent(worker.Id, new ControlMessage
        {
            Assignment = new Assignment
            {
                JobId = d.Job.JobId,
                WorkerId = worker.Id,
                Spec = d.Job.Spec,
                LastCommittedSequence = worker.Record.LastReportSequence,
                TotalTrials = d.State.Search.CandidateCount,
                HeartbeatDeadline = Timestamp.FromDateTimeOffset(d.Now + d.Options.HeartbeatTimeout),
                HeartbeatIntervalSeconds = (int)Math.Max(1, Math.Ceiling(d.Options.HeartbeatInterval.TotalSeconds)),
            },
        }));

        // Work handed out before a reconnect stays with the worker: send it again (the agent skips what it already has).
        var current = d.State.Worker(worker.Id)!;
        var outstanding = d.State.Outstanding(current);
        if (outstanding.Count > 0)
        {
            d.Effect(new SendToAgent(worker.Id, new ControlMessage { RunTrials = new RunTrials { Trials = { outstanding } } }));
        }

        if (current.Record.Refit && d.State.Search.IsFinished(d.State.Completed))
        {
            d.Effect(new SendToAgent(worker.Id, new ControlMessage { Refit = RefitMessage(d.State) }));
        }

        Dispatch(d);
    }

    /// <summary>The stream ended. The worker keeps its trials and may reattach; only the heartbeat timeout makes it lost.</summary>
    private static void OnDetached(Draft d, string workerId)
    {
        if (JobTransitions.IsTerminal(d.Job.State) || d.State.Worker(workerId) is not { } worker)
        {
            return;
        }

        d.Touch(workerId, w => w with { Connected = false });
        if (worker.Record.State == WorkerState.Attached)
        {
            d.PutWorker(worker.Record with { State = WorkerState.Detached });
            d.Event(JobEvents.Worker(d.Now, workerId, WorkerState.Detached, worker.Record.Instance, "the stream ended; waiting for the agent to reattach"));
        }
    }

    /// <summary>Any message counts as a sign of life.</summary>
    private static void Heard(Draft d, string workerId)
    {
        if (!JobTransitions.IsTerminal(d.Job.State) && d.State.Worker(workerId) is { IsLive: true })
        {
            d.Touch(workerId, w => w with { LastSeen = d.Now });
        }
    }

    private static void OnReport(Draft d, string workerId, Report report)
    {
        if (JobTransitions.IsTerminal(d.Job.State) || d.State.Worker(workerId) is not { IsLive: true } worker)
        {
            // The job ended (its goodbye is on the way), or the worker was lost and told to shut down: nothing it says counts.
            return;
        }

        Heard(d, workerId);
        if (report.Sequence <= 0)
        {
            d.Refuse(RefusalKind.BadReport, $"report sequences start at 1, got {report.Sequence}.");
            return;
        }

        if (report.KindCase == Report.KindOneofCase.None)
        {
            d.Refuse(RefusalKind.BadReport, $"report {report.Sequence} carries no kind.");
            return;
        }

        if (report.Sequence <= worker.Record.LastReportSequence)
        {
            // Seen before (re-sent after a reconnect): already committed, so only the ack is repeated.
            d.Effect(new SendToAgent(workerId, Ack(worker.Record.LastReportSequence)));
            return;
        }

        // Effects run after the commit, in order: the ack, then a farewell or more work.
        d.PutWorker(worker.Record with { LastReportSequence = report.Sequence });
        d.Effect(new SendToAgent(workerId, Ack(report.Sequence)));
        ApplyReport(d, d.State.Worker(workerId)!, report);
        if (!d.IsTerminal)
        {
            Dispatch(d);
        }
    }

    private static ControlMessage Ack(long sequence) => new() { Ack = new Ack { Sequence = sequence } };
}
