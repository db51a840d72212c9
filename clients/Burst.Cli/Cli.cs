using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Burst.Cli.Commands;

namespace Burst.Cli;

/// <summary>The <c>burst</c> command line, callable in-process so that tests capture its output.</summary>
public static class Cli
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, CliContext.ForWriters(stdout, stderr), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var parseResult = BuildRootCommand(context).Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // Signals are the caller's business (Program turns Ctrl+C into the token), so that
            // the verbs decide what an interruption means instead of a fixed grace period.
            ProcessTerminationTimeout = null,
        };
        if (parseResult.Action is ParseErrorAction parseError)
        {
            // The errors and a pointer to help read better than the full help after every typo.
            parseError.ShowHelp = args.Length == 0;
            await parseResult.InvokeAsync(configuration, cancellationToken);
            if (args.Length > 0)
            {
                var verb = parseResult.CommandResult.Command is RootCommand ? "" : parseResult.CommandResult.Command.Name + " ";
                context.Error.WriteLine($"See `burst {verb}--help`.");
            }

            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }

    internal static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand("burst: run XGBoost training jobs on machines that exist only while the job runs.")
        {
            ServerCommand.Create(context),
            SubmitCommand.Create(context),
            WatchCommand.Create(context),
            GetCommand.Create(context),
            ListCommand.Create(context),
            CancelCommand.Create(context),
            ExtendCommand.Create(context),
            EvaluateCommand.Create(context),
            DemoCommand.Create(context),
            ImageCommand.Create(context),
            KeysCommand.Create(context),
        };
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                help.Action = new HelpWithExitCodesAction(action);
            }
        }

        return root;
    }

    /// <summary>The standard help, followed by the exit codes every verb shares.</summary>
    private sealed class HelpWithExitCodesAction(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var exitCode = inner.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(ExitCodes.HelpText);
            return exitCode;
        }
    }
}
