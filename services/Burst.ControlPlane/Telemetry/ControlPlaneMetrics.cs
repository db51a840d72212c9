using System.Diagnostics.Metrics;
using Burst.V1;

namespace Burst.ControlPlane.Telemetry;

/// <summary>
/// The instruments of the Meter "Burst.ControlPlane". Most are fed by <see cref="Store.MeteredJobStore"/>
/// from what is committed (so a retried or refused commit counts nothing); watchers by WatchJob. The
/// Record* methods are the API for the providers: VM time and cost not committed as a job's Cost
/// (a VM the reaper found without a job), and the reaper's deletions.
/// </summary>
internal sealed class ControlPlaneMetrics
{
    public const string MeterName = ControlPlaneTelemetry.SourceName;

    private static readonly JobState[] States =
    [
        JobState.Queued, JobState.Provisioning, JobState.Running, JobState.Cancelling,
        JobState.Succeeded, JobState.Failed, JobState.Cancelled,
    ];

    private readonly Meter _meter;
    private readonly Histogram<double> _jobDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _trials;
    private readonly Histogram<double> _trialDuration;
    private readonly UpDownCounter<long> _watchers;
    private readonly Counter<long> _events;
    private readonly Counter<double> _vmTime;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _reaperDeletions;
    private Func<IReadOnlyDictionary<JobState, long>>? _countJobs;

    public ControlPlaneMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _meter = meters.Create(new MeterOptions(MeterName) { Version = ControlPlaneTelemetry.Version });
        _meter.CreateObservableUpDownCounter("burst.jobs", ObserveJobs, "{job}", "Jobs in each state (burst.job.state), as stored.");
        _jobDuration = _meter.CreateHistogram<double>("burst.job.duration", "s", "From a job's start (or its submit, if it never started) to its terminal state.");
        _queueWait = _meter.CreateHistogram<double>("burst.job.queue_wait", "s", "From a job's submit to the scheduler taking it.");
        _trials = _meter.CreateCounter<long>("burst.trials", "{trial}", "Trial results committed (each (trial, rung) once); its rate is trials per second.");
        _trialDuration = _meter.CreateHistogram<double>("burst.trial.duration", "s", "Cross-validation time of a trial, as its agent measured it.");
        _watchers = _meter.CreateUpDownCounter<long>("burst.watchers", "{watcher}", "WatchJob streams open now.");
        _events = _meter.CreateCounter<long>("burst.events", "{event}", "Job events committed (burst.event.kind); its rate is events per second.");
        _vmTime = _meter.CreateCounter<double>("burst.vm.time", "s", "VM-seconds used by workers.");
        _cost = _meter.CreateCounter<double>("burst.cost", "{USD}", "Estimated cost of the workers' machines, in US dollars.");
        _reaperDeletions = _meter.CreateCounter<long>("burst.reaper.deletions", "{instance}", "Instances the orphan reaper deleted.");
    }

    /// <summary>Where burst.jobs reads its counts, at each collection; set once by the store.</summary>
    public void ObserveJobStates(Func<IReadOnlyDictionary<JobState, long>> countJobs) => _countJobs = countJobs;

    /// <summary>A WatchJob stream opened; dispose the result when it ends.</summary>
    public Watcher Watching()
    {
        _watchers.Add(1);
        return new Watcher(_watchers);
    }

    public void RecordEvent(JobEvent.KindOneofCase kind) =>
        _events.Add(1, new KeyValuePair<string, object?>(TelemetryTags.EventKind, EventKindName(kind)));

    public void RecordQueueWait(TimeSpan wait, string provider) =>
        _queueWait.Record(Seconds(wait), new KeyValuePair<string, object?>(TelemetryTags.Provider, provider));

    public void RecordJobFinished(JobState state, TimeSpan duration, string provider) =>
        _jobDuration.Record(
            Seconds(duration),
            new KeyValuePair<string, object?>(TelemetryTags.JobState, StateName(state)),
            new KeyValuePair<string, object?>(TelemetryTags.Provider, provider));

    public void RecordTrial(TimeSpan duration, string provider)
    {
        var tag = new KeyValuePair<string, object?>(TelemetryTags.Provider, provider);
        _trials.Add(1, tag);
        _trialDuration.Record(Seconds(duration), tag);
    }

    /// <summary>VM-seconds used by workers of <paramref name="provider"/> (0 for local processes, which cost nothing).</summary>
    public void RecordVmSeconds(double seconds, string provider, string? machineType = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        _vmTime.Add(
            seconds,
            new KeyValuePair<string, object?>(TelemetryTags.Provider, provider),
            new KeyValuePair<string, object?>(TelemetryTags.MachineType, machineType ?? ""));
    }

    /// <summary>Estimated spend in US dollars on machines of <paramref name="provider"/>.</summary>
    public void RecordCost(double usd, string provider)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(usd);
        _cost.Add(usd, new KeyValuePair<string, object?>(TelemetryTags.Provider, provider));
    }

    /// <summary><paramref name="count"/> instances deleted by one pass of the orphan reaper.</summary>
    public void RecordReaperDeletions(long count, string provider = "gce", string? reason = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _reaperDeletions.Add(count,
            new KeyValuePair<string, object?>(TelemetryTags.Provider, provider),
            new KeyValuePair<string, object?>("burst.reaper.reason", reason ?? "unspecified"));
    }

    public static string StateName(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Provisioning => "provisioning",
        JobState.Running => "running",
        JobState.Cancelling => "cancelling",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => "unspecified",
    };

    private static string EventKindName(JobEvent.KindOneofCase kind) => kind switch
    {
        JobEvent.KindOneofCase.StateChanged => "state_changed",
        JobEvent.KindOneofCase.Progress => "progress",
        JobEvent.KindOneofCase.Trial => "trial",
        JobEvent.KindOneofCase.Worker => "worker",
        JobEvent.KindOneofCase.Log => "log",
        JobEvent.KindOneofCase.Result => "result",
        JobEvent.KindOneofCase.Cost => "cost",
        _ => "none",
    };

    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);

    private List<Measurement<long>> ObserveJobs()
    {
        IReadOnlyDictionary<JobState, long> counts;
        try
        {
            counts = _countJobs?.Invoke() ?? new Dictionary<JobState, long>();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or ObjectDisposedException or InvalidOperationException)
        {
            // The store does not answer (health says so): report no counts rather than wrong ones.
            return [];
        }

        return States
            .Select(state => new Measurement<long>(counts.GetValueOrDefault(state), new KeyValuePair<string, object?>(TelemetryTags.JobState, StateName(state))))
            .ToList();
    }

    /// <summary>One open watch; disposing it counts it out once.</summary>
    public sealed class Watcher(UpDownCounter<long> watchers) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                watchers.Add(-1);
            }
        }
    }
}
