using System.Diagnostics;
using Burst.ControlPlane.Agents;
using Burst.ControlPlane.Lifecycle;

namespace Burst.ControlPlane.Runtime;

/// <summary>
/// A job the coordinator holds (PROVISIONING, RUNNING, CANCELLING): its latest snapshot, the Attach
/// streams bound to its workers, and its trace.
/// <para>
/// The locking rule, the only one in the coordinator: one stimulus at a time per job. Everything here
/// is read or changed only inside <see cref="RunAsync{T}"/>, which lets one piece of work through per
/// job (a private gate); that work decides (JobCore.Decide), commits, replaces the snapshot, and carries
/// out the effects before the next stimulus of the job gets in. Provider calls (start, stop, adopt) never
/// run inside it: they run in the background and come back as stimuli. Jobs never wait for each other.
/// The coordinator's admission lock (QUEUED jobs) is always taken first, never inside a job's gate.
/// </para>
/// </summary>
internal sealed class ActiveJob(JobSnapshot state, ActivityContext trace)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, AgentSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>The last committed state; replaced only inside <see cref="RunAsync{T}"/>.</summary>
    public JobSnapshot State { get; set; } = state;

    /// <summary>The job's trace (its root span's context, as stored): the parent of everything the control plane does for it.</summary>
    public ActivityContext Trace { get; } = trace;

    public string JobId => State.JobId;

    public IReadOnlyCollection<AgentSession> Sessions => _sessions.Values;

    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await work();
        }
        finally
        {
            _gate.Release();
        }
    }

    public AgentSession? Session(string workerId) => _sessions.GetValueOrDefault(workerId);

    /// <summary>Binds a new stream to its worker; returns the one it replaces.</summary>
    public AgentSession? Bind(AgentSession session)
    {
        var previous = Session(session.WorkerId);
        _sessions[session.WorkerId] = session;
        return previous;
    }

    public void Unbind(string workerId) => _sessions.Remove(workerId);

    /// <summary>Puts back the stream a refused Hello displaced.</summary>
    public void Restore(string workerId, AgentSession? previous)
    {
        if (previous is null)
        {
            _sessions.Remove(workerId);
        }
        else
        {
            _sessions[workerId] = previous;
        }
    }
}
