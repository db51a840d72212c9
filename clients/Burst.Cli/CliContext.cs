using Burst.Cli.Watching;
using Spectre.Console;

namespace Burst.Cli;

/// <summary>
/// Everything a verb touches outside itself: output writers, the Spectre console over stdout,
/// environment variables, time and the watch retry policy. Tests build one over string writers.
/// </summary>
public sealed class CliContext(
    TextWriter output,
    TextWriter error,
    IAnsiConsole console,
    Func<string, string?> environment,
    TimeProvider time,
    WatchRetryPolicy watchRetry)
{
    public const string DefaultServer = "http://127.0.0.1:50051";

    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public IAnsiConsole Console { get; } = console;
    public TimeProvider Time { get; } = time;
    public WatchRetryPolicy WatchRetry { get; } = watchRetry;

    /// <summary>Live widgets only on a terminal; redirected output gets plain lines.</summary>
    public bool Interactive => Console.Profile.Capabilities.Interactive;

    public string? GetEnvironmentVariable(string name) => environment(name) is { Length: > 0 } value ? value : null;

    public string DefaultServerUrl => GetEnvironmentVariable("BURST_SERVER") ?? DefaultServer;

    /// <summary>The real process: stdout, stderr and a console that detects the terminal.</summary>
    public static CliContext ForProcess()
    {
        var console = AnsiConsole.Console;
        if (!console.Profile.Out.IsTerminal)
        {
            // Redirected output has no width; tables for logs and pipes should not wrap at 80.
            console.Profile.Width = 200;
        }

        return new CliContext(
            System.Console.Out,
            System.Console.Error,
            console,
            Environment.GetEnvironmentVariable,
            TimeProvider.System,
            WatchRetryPolicy.Default);
    }

    /// <summary>A non-interactive context over the given writers (tests, embedding).</summary>
    public static CliContext ForWriters(
        TextWriter output,
        TextWriter error,
        Func<string, string?>? environment = null,
        WatchRetryPolicy? watchRetry = null,
        bool interactive = false)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        console.Profile.Width = 160;
        return new CliContext(
            output,
            error,
            console,
            environment ?? (_ => null),
            TimeProvider.System,
            watchRetry ?? WatchRetryPolicy.Default);
    }
}
