using System.CommandLine;
using Burst.Cli.Watching;
using Burst.V1;

namespace Burst.Cli.Commands;

/// <summary>
/// <c>burst watch JOB [--after SEQ] [--json]</c>: follows a job live until it ends, resuming after dropped
/// connections; exits 0 when the job SUCCEEDED, 1 when it FAILED or was CANCELLED.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = CommonOptions.JobId();
        var server = CommonOptions.Server(context);
        var credentials = new CredentialOptions(context);
        var after = new Option<long>("--after")
        {
            Description = "Show only events after this sequence number (0 replays the whole history)",
            HelpName = "SEQ",
        };
        var json = CommonOptions.Json("Print exactly one JobEvent per line as proto3 JSON, nothing else");
        var command = new Command("watch", "Follow a job live until it ends") { jobId, server, after, json };
        credentials.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(server)!;
            return CommandRunner.RunAsync(context, url, async ct =>
            {
                var afterSequence = parseResult.GetValue(after);
                if (afterSequence < 0)
                {
                    throw new CliUsageException($"--after: {afterSequence} is negative");
                }

                using var connection = ServerConnection.Open(url, credentials.Resolve(parseResult));
                // One plain call first: an unknown job or a server that is not there fails fast with its own
                // exit code, and the snapshot gives the view its totals before the first event.
                var job = await connection.Jobs.GetJobAsync(
                    new GetJobRequest { JobId = parseResult.GetValue(jobId) },
                    cancellationToken: ct);
                var outcome = await JobWatcher.WatchAsync(context, connection, job, afterSequence, parseResult.GetValue(json), ct);
                return outcome.ExitCode;
            }, cancellationToken);
        });
        return command;
    }
}
