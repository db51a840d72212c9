using Burst.Cli.Watching;

namespace Burst.Cli.Tests.Support;

/// <summary>What a run of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public IReadOnlyList<string> OutLines =>
        Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs <c>burst</c> in-process over string writers, with fast watch retries.</summary>
internal static class BurstCli
{
    public static readonly WatchRetryPolicy FastRetry = new(
        TimeSpan.FromMilliseconds(10),
        TimeSpan.FromMilliseconds(50),
        TimeSpan.FromSeconds(20),
        TimeSpan.FromSeconds(20));

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, new CliOptions());

    public static async Task<CliResult> RunAsync(string[] args, CliOptions options)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = CliContext.ForWriters(
            TextWriter.Synchronized(output),
            TextWriter.Synchronized(error),
            name => options.Environment.GetValueOrDefault(name),
            options.Retry ?? FastRetry,
            options.Interactive);
        // A hang shows up as a failed test (exit 130) rather than a stuck run.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var exitCode = await Cli.RunAsync(args, context, timeout.Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}

internal sealed record CliOptions
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    public WatchRetryPolicy? Retry { get; init; }
    public bool Interactive { get; init; }
    public CancellationToken Cancellation { get; init; }
}
