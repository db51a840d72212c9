namespace Burst.Cli.Watching;

/// <summary>The control plane stayed out of reach longer than the watch is willing to wait.</summary>
public sealed class WatchAbandonedException(string jobId, long lastSequence, TimeSpan waited, string problem)
    : Exception(
        $"gave up watching job {jobId} after {Specs.DurationText.Format(waited)} without reaching the control plane ({problem}); " +
        $"the job may still be running: resume with `burst watch {jobId} --after {lastSequence}`")
{
    public string JobId { get; } = jobId;

    public long LastSequence { get; } = lastSequence;
}
