namespace Burst.Training;

/// <summary>
/// Exponential backoff: the n-th retry (from 0) waits min(<paramref name="Max"/>, <paramref name="Initial"/> × 2^n),
/// less a random share of up to <paramref name="Jitter"/> of it (0: none; 0.5: between half and all, as
/// Google's API guidance asks), so that many clients cut off together do not come back together.
/// Used by the agent's reconnects, the CLI's watch reconnects and the Compute Engine client's retries.
/// </summary>
public sealed record Backoff(TimeSpan Initial, TimeSpan Max, double Jitter = 0)
{
    public TimeSpan Initial { get; init; } = Initial > TimeSpan.Zero ? Initial : throw new ArgumentOutOfRangeException(nameof(Initial), Initial, "The first delay must be positive.");

    public TimeSpan Max { get; init; } = Max >= Initial ? Max : throw new ArgumentOutOfRangeException(nameof(Max), Max, "The longest delay must be at least the first.");

    public double Jitter { get; init; } = Jitter is >= 0 and <= 1 ? Jitter : throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Jitter is a share between 0 and 1.");

    /// <summary>The wait before retry <paramref name="retry"/> (0 for the first).</summary>
    public TimeSpan Delay(int retry) => Delay(retry, Jitter == 0 ? 0 : Random.Shared.NextDouble());

    /// <summary>The wait before retry <paramref name="retry"/> for a given draw <paramref name="unit"/> in [0, 1).</summary>
    public TimeSpan Delay(int retry, double unit)
    {
        // 2^62 ticks is past any Max: capping the exponent keeps the product finite.
        var ceiling = Math.Min(Max.Ticks, Initial.Ticks * Math.Pow(2, Math.Clamp(retry, 0, 62)));
        return TimeSpan.FromTicks((long)(ceiling * (1 - (Jitter * Math.Clamp(unit, 0, 1)))));
    }
}
