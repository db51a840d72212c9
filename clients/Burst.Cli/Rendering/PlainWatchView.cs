using Burst.Cli.Watching;
using Burst.V1;

namespace Burst.Cli.Rendering;

/// <summary>A line per event, for logs and pipes where live widgets would be noise.</summary>
internal sealed class PlainWatchView(TextWriter output, TextWriter error) : IWatchView
{
    public async Task FollowAsync(IAsyncEnumerable<JobEvent> events, JobWatchState state, CancellationToken cancellationToken)
    {
        await foreach (var jobEvent in events.WithCancellation(cancellationToken))
        {
            state.Apply(jobEvent);
            output.WriteLine(EventText.Line(jobEvent, state.Scoring));
            await output.FlushAsync(cancellationToken);
        }
    }

    public void Notice(string message) => error.WriteLine($"burst: {message}");
}
