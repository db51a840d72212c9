using Burst.Cli.Watching;
using Burst.V1;

namespace Burst.Cli.Rendering;

/// <summary>Exactly one JobEvent per stdout line in proto3 JSON; anything else goes to stderr.</summary>
internal sealed class JsonWatchView(TextWriter output, TextWriter error) : IWatchView
{
    public async Task FollowAsync(IAsyncEnumerable<JobEvent> events, JobWatchState state, CancellationToken cancellationToken)
    {
        await foreach (var jobEvent in events.WithCancellation(cancellationToken))
        {
            state.Apply(jobEvent);
            output.WriteLine(ProtoJson.Line(jobEvent));
            await output.FlushAsync(cancellationToken);
        }
    }

    public void Notice(string message) => error.WriteLine($"burst: {message}");
}
