using Burst.Cli.Watching;
using Burst.V1;

namespace Burst.Cli.Rendering;

/// <summary>Shows a job's events as they come and keeps <see cref="JobWatchState"/> up to date.</summary>
internal interface IWatchView
{
    Task FollowAsync(IAsyncEnumerable<JobEvent> events, JobWatchState state, CancellationToken cancellationToken);

    /// <summary>A side message (a reconnect), kept off the event output.</summary>
    void Notice(string message);
}
