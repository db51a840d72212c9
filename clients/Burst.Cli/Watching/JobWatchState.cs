using Burst.Contracts;
using Burst.V1;

namespace Burst.Cli.Watching;

/// <summary>What a watcher knows about a job: a Job snapshot brought up to date event by event.</summary>
internal sealed class JobWatchState(Job job)
{
    public Job Job { get; } = job.Clone();

    public string JobId => Job.JobId;

    public JobState State => Job.State;

    public Progress Progress => Job.Progress ??= new Progress();

    public Scoring Scoring => Job.Spec?.Search?.Scoring ?? Scoring.Unspecified;

    public bool IsTerminal => JobStates.IsTerminal(Job.State);

    /// <summary>Whether the terminal event itself arrived (not only a terminal snapshot).</summary>
    public bool SawTerminalEvent { get; private set; }

    public void Apply(JobEvent jobEvent)
    {
        Job.LastSequence = Math.Max(Job.LastSequence, jobEvent.Sequence);
        switch (jobEvent.KindCase)
        {
            case JobEvent.KindOneofCase.StateChanged:
                var change = jobEvent.StateChanged;
                Job.State = change.State;
                if (change.Error is not null)
                {
                    Job.Error = change.Error;
                }
                else if (change.State is JobState.Failed or JobState.Cancelled && !string.IsNullOrEmpty(change.Reason))
                {
                    Job.Error ??= new JobError { Message = change.Reason };
                }

                SawTerminalEvent |= JobStates.IsTerminal(change.State);
                break;
            case JobEvent.KindOneofCase.Progress:
                Job.Progress = jobEvent.Progress.Clone();
                break;
            case JobEvent.KindOneofCase.Result:
                Job.Result = jobEvent.Result.Clone();
                break;
            case JobEvent.KindOneofCase.Cost:
                Job.Cost = jobEvent.Cost.Clone();
                break;
        }
    }
}
