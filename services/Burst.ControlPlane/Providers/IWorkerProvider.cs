using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Providers;

/// <summary>
/// Where workers run: "local" (agent processes on this machine) or "gce" (Compute Engine VMs). A provider starts and stops workers and reports, through <see cref="WorkerExits"/>, a
/// worker that ended on its own; the coordinator decides what that means for the job.
/// </summary>
internal interface IWorkerProvider
{
    /// <summary>The name a spec's resources.provider selects.</summary>
    string Name { get; }

    /// <summary>Starts one worker. Throws when it cannot (the job then fails with PROVISIONING_FAILED).</summary>
    Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken);

    /// <summary>Asks a worker to stop, forces it after a short grace, and returns once it is gone.</summary>
    Task StopAsync(WorkerRecord worker, CancellationToken cancellationToken);

    /// <summary>
    /// After a control-plane restart: whether a stored worker still runs. A live worker is watched
    /// from now on, so its exit is reported like any other.
    /// </summary>
    Task<WorkerLiveness> AdoptAsync(WorkerRecord worker, CancellationToken cancellationToken);

    /// <summary>At submit, before the general defaults: fills this provider's defaults (machine type, zones, output folder).</summary>
    void FillDefaults(JobSpec spec, string jobId)
    {
    }

    /// <summary>At submit: what this provider cannot run (field paths as in <c>JobSpecRules</c>); empty when it can.</summary>
    IReadOnlyList<Google.Rpc.BadRequest.Types.FieldViolation> CheckSpec(JobSpec spec) => [];

    /// <summary>What one worker of the job costs per hour in USD; 0 (local machines) means no cost is counted.</summary>
    double HourlyPriceUsd(JobSpec spec) => 0;
}

/// <summary>Everything a new worker is told: where to attach, as whom, and the job's trace.</summary>
internal sealed record WorkerLaunch(string JobId, string WorkerId, string ControlPlaneUrl, string AgentToken, string TraceParent, JobSpec Spec)
{
    public override string ToString() => $"WorkerLaunch {{ JobId = {JobId}, WorkerId = {WorkerId}, ControlPlaneUrl = {ControlPlaneUrl} }}";
}

/// <summary>Where a started worker runs.</summary>
internal sealed record WorkerInstance(string Name, int? Pid = null, long? ProcessStart = null);

internal enum WorkerLiveness
{
    /// <summary>The provider cannot tell (e.g. no PID was recorded): the heartbeat timeout decides.</summary>
    Unknown,
    Alive,
    Gone,
}

/// <summary>The providers this control plane has, by name.</summary>
internal sealed class WorkerProviders(IEnumerable<IWorkerProvider> providers)
{
    private readonly Dictionary<string, IWorkerProvider> _byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    public IWorkerProvider? Find(string name) => _byName.GetValueOrDefault(name);

    public IEnumerable<string> Names => _byName.Keys;
}
