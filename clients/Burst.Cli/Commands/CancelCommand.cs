using System.CommandLine;
using Burst.Cli.Rendering;
using Burst.V1;

namespace Burst.Cli.Commands;

/// <summary><c>burst cancel JOB [--reason TEXT]</c>: asks the control plane to stop a job (idempotent).</summary>
internal static class CancelCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = CommonOptions.JobId();
        var server = CommonOptions.Server(context);
        var credentials = new CredentialOptions(context);
        var reason = new Option<string?>("--reason") { Description = "Why, recorded with the job", HelpName = "TEXT" };
        var json = CommonOptions.Json("Print the Job as proto3 JSON");
        var command = new Command("cancel", "Cancel a job; a finished job stays as it is") { jobId, server, reason, json };
        credentials.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(server)!;
            return CommandRunner.RunAsync(context, url, async ct =>
            {
                using var connection = ServerConnection.Open(url, credentials.Resolve(parseResult));
                var job = await connection.Jobs.CancelJobAsync(
                    new CancelJobRequest { JobId = parseResult.GetValue(jobId), Reason = parseResult.GetValue(reason) ?? "" },
                    cancellationToken: ct);
                context.Out.WriteLine(parseResult.GetValue(json)
                    ? ProtoJson.Document(job)
                    : $"Job {job.JobId} is {Text.Name(job.State)}");
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
