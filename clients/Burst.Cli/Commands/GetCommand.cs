using System.CommandLine;
using Burst.Cli.Rendering;
using Burst.V1;

namespace Burst.Cli.Commands;

/// <summary><c>burst get JOB [--json]</c>: one job's state, progress and result.</summary>
internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = CommonOptions.JobId();
        var server = CommonOptions.Server(context);
        var credentials = new CredentialOptions(context);
        var json = CommonOptions.Json("Print the Job as proto3 JSON");
        var command = new Command("get", "Show a job") { jobId, server, json };
        credentials.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(server)!;
            return CommandRunner.RunAsync(context, url, async ct =>
            {
                using var connection = ServerConnection.Open(url, credentials.Resolve(parseResult));
                var job = await connection.Jobs.GetJobAsync(
                    new GetJobRequest { JobId = parseResult.GetValue(jobId) },
                    cancellationToken: ct);
                if (parseResult.GetValue(json))
                {
                    context.Out.WriteLine(ProtoJson.Document(job));
                }
                else
                {
                    JobDetails.Write(job, context.Out);
                }

                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
