using System.CommandLine;
using Burst.Cli.Rendering;
using Burst.Cli.Specs;
using Burst.V1;

namespace Burst.Cli.Commands;

/// <summary><c>burst list [--state S] [--page-size N] [--all] [--json]</c>: jobs, newest first.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server(context);
        var credentials = new CredentialOptions(context);
        var state = new Option<string?>("--state")
        {
            Description = $"Only jobs in this state: {string.Join(", ", EnumNames.ShortNames<JobState>())}",
            HelpName = "STATE",
        };
        var pageSize = new Option<int>("--page-size")
        {
            Description = "Jobs per page (the server's default is 50, at most 1000)",
            HelpName = "N",
        };
        var all = new Option<bool>("--all") { Description = "Follow page tokens to list every job" };
        var json = CommonOptions.Json("Print a ListJobsResponse as proto3 JSON");
        var command = new Command("list", "List jobs, newest first") { server, state, pageSize, all, json };
        credentials.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(server)!;
            return CommandRunner.RunAsync(context, url, async ct =>
            {
                var request = new ListJobsRequest { PageSize = parseResult.Given(pageSize) ?? 0 };
                if (parseResult.GetValue(state) is { } stateName)
                {
                    request.State = EnumNames.Parse<JobState>(stateName, "--state");
                }

                using var connection = ServerConnection.Open(url, credentials.Resolve(parseResult));
                var listed = new ListJobsResponse();
                do
                {
                    var page = await connection.Jobs.ListJobsAsync(request, cancellationToken: ct);
                    listed.Jobs.AddRange(page.Jobs);
                    listed.NextPageToken = page.NextPageToken;
                    request.PageToken = page.NextPageToken;
                }
                while (parseResult.GetValue(all) && !string.IsNullOrEmpty(request.PageToken));

                if (parseResult.GetValue(json))
                {
                    context.Out.WriteLine(ProtoJson.Document(listed));
                }
                else
                {
                    JobTable.Write(listed.Jobs, context.Console);
                    if (!string.IsNullOrEmpty(listed.NextPageToken))
                    {
                        context.Error.WriteLine("burst: more jobs than one page; use --all to list them all");
                    }
                }

                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
