using System.CommandLine;

namespace Burst.Cli.Commands;

/// <summary>Options several verbs share, one instance per command.</summary>
internal static class CommonOptions
{
    public static Option<string> Server(CliContext context) => new("--server")
    {
        Description = "The control plane URL (default: $BURST_SERVER, else " + CliContext.DefaultServer + ")",
        HelpName = "URL",
        DefaultValueFactory = _ => context.DefaultServerUrl,
    };

    public static Option<bool> Json(string description) => new("--json")
    {
        Description = description,
    };

    /// <summary>
    /// The value of an option without a default, or null when it was not given: a plain <c>Option&lt;int&gt;</c>
    /// keeps parse errors readable ("as expected type 'System.Int32'") where <c>int?</c> would not.
    /// </summary>
    public static T? Given<T>(this ParseResult parseResult, Option<T> option)
        where T : struct =>
        parseResult.GetResult(option) is null ? null : parseResult.GetValue(option);

    public static Argument<string> JobId() => new("JOB")
    {
        Description = "The job id",
    };
}
