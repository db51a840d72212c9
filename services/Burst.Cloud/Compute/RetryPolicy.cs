using Burst.Training;

namespace Burst.Cloud.Compute;

/// <summary>
/// Exponential backoff with jitter for 429, 5xx and rate-limit errors, as Google's API guidance asks:
/// the n-th retry waits between half and all of min(MaxDelay, BaseDelay * 2^n), or what Retry-After says.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static RetryPolicy Default { get; } = new(6, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    private Backoff Backoff => new(BaseDelay, MaxDelay, Jitter: 0.5);

    public TimeSpan Delay(int retry, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after && after > TimeSpan.Zero)
        {
            return after < MaxDelay ? after : MaxDelay;
        }

        return Backoff.Delay(retry);
    }
}
