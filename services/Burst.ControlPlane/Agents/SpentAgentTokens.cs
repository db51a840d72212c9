using Burst.ControlPlane.Lifecycle;
using System.Collections.Concurrent;
using Burst.ControlPlane.Store;
using Burst.V1;

namespace Burst.ControlPlane.Agents;

/// <summary>
/// When an agent token stops working: its job is terminal and its agent has been told to shut down
/// (the Shutdown went out on its stream), or the job ended longer than the grace ago (a restarted
/// control plane has forgotten who was told; by then every agent has been, or is gone).
/// </summary>
internal sealed class SpentAgentTokens(TimeProvider time)
{
    // Bounded: once full, the oldest half is dropped; those tokens still die by the grace rule.
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _told = new(StringComparer.Ordinal);

    public void MarkShutDown(byte[] tokenHash)
    {
        if (_told.Count >= Capacity)
        {
            foreach (var old in _told.OrderBy(kv => kv.Value).Take(Capacity / 2).Select(kv => kv.Key).ToList())
            {
                _told.TryRemove(old, out _);
            }
        }

        _told[Convert.ToHexString(tokenHash)] = time.GetUtcNow();
    }

    public bool IsSpent(byte[] tokenHash, Job job, TimeSpan grace)
    {
        if (!JobTransitions.IsTerminal(job.State))
        {
            return false;
        }

        return _told.ContainsKey(Convert.ToHexString(tokenHash))
            || (job.EndTime is { } end && end.ToDateTimeOffset() + grace < time.GetUtcNow());
    }
}
