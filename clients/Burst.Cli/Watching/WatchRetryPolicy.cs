namespace Burst.Cli.Watching;

/// <summary>
/// How a watch reconnects after a dropped stream: exponential backoff from <paramref name="InitialDelay"/>
/// up to <paramref name="MaxDelay"/>, giving up after <paramref name="GiveUpAfter"/> without receiving an event.
/// </summary>
public sealed record WatchRetryPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter)
{
    public static WatchRetryPolicy Default { get; } = new(
        TimeSpan.FromMilliseconds(250),
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(60));

    public TimeSpan DelayBeforeAttempt(int failuresInARow)
    {
        var factor = Math.Pow(2, Math.Min(failuresInARow, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(InitialDelay.Ticks * factor, MaxDelay.Ticks));
        return delay;
    }
}
