using Burst.Training;

namespace Burst.Cli.Watching;

/// <summary>
/// How a watch reconnects after a dropped stream: exponential backoff from <paramref name="InitialDelay"/>
/// up to <paramref name="MaxDelay"/>, giving up after <paramref name="GiveUpAfter"/> without a working stream.
/// A stream works once it delivers an event or stays open for <paramref name="HealthyAfter"/> (a queued job
/// can be quiet for long, and the server sends no headers before the first event).
/// </summary>
public sealed record WatchRetryPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter, TimeSpan HealthyAfter)
{
    public static WatchRetryPolicy Default { get; } = new(
        TimeSpan.FromMilliseconds(250),
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(60),
        TimeSpan.FromSeconds(10));

    public TimeSpan DelayBeforeAttempt(int failuresInARow) => new Backoff(InitialDelay, MaxDelay).Delay(failuresInARow);
}
