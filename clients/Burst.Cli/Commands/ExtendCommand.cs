using System.CommandLine;
using Burst.Cli.Rendering;
using Burst.Cli.Watching;
using Burst.V1;

namespace Burst.Cli.Commands;

/// <summary>
/// <c>burst extend JOB --trials N [--watch] [--json]</c>: runs N more trials of a finished random or
/// TPE search. It submits the job's own stored spec with search.continue_from = JOB, so the new job
/// has the same dataset, folds, scoring and space, learns from JOB's trials without recomputing them,
/// and writes its model to its own folder.
/// </summary>
internal static class ExtendCommand
{
    public static Command Create(CliContext context)
    {
        var jobId = CommonOptions.JobId();
        var server = CommonOptions.Server(context);
        var trials = new Option<int>("--trials") { Description = "Trials to run beyond the job's (search.trials of the new job)", HelpName = "N", Required = true };
        var watch = new Option<bool>("--watch") { Description = "Follow the new job until it ends, as `burst watch` does" };
        var json = CommonOptions.Json("Print the new Job as proto3 JSON (with --watch: one JobEvent per line)");
        var command = new Command("extend", "Continue a finished random or TPE search with more trials; the trials it ran are kept, not recomputed")
        {
            jobId, server, trials, watch, json,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(server)!;
            return CommandRunner.RunAsync(context, url, async ct =>
            {
                var more = parseResult.GetValue(trials);
                if (more < 1)
                {
                    throw new CliUsageException($"--trials must be at least 1, got {more}.");
                }

                using var connection = ServerConnection.Open(url);
                var source = await connection.Jobs.GetJobAsync(new GetJobRequest { JobId = parseResult.GetValue(jobId) }, cancellationToken: ct);
                var job = await connection.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = ContinuedSpec(source, more) }, cancellationToken: ct);
                var asJson = parseResult.GetValue(json);
                if (!parseResult.GetValue(watch))
                {
                    context.Out.WriteLine(asJson ? ProtoJson.Document(job) : job.JobId);
                    return ExitCodes.Success;
                }

                if (!asJson)
                {
                    context.Out.WriteLine($"Submitted job {job.JobId}, continuing {source.JobId}");
                }

                var outcome = await JobWatcher.WatchAsync(context, connection, job, afterSequence: 0, asJson, ct);
                return outcome.ExitCode;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// The source's stored spec, continued: the model folder is cleared, since the stored one is the
    /// source's own (it would be overwritten), and the server fills this job's.
    /// </summary>
    internal static JobSpec ContinuedSpec(Job source, int trials)
    {
        ArgumentNullException.ThrowIfNull(source);
        var spec = source.Spec?.Clone() ?? new JobSpec();
        spec.Search ??= new Search();
        spec.Search.ContinueFrom = source.JobId;
        spec.Search.Trials = trials;
        if (spec.Output is not null)
        {
            spec.Output.ModelUri = "";
        }

        return spec;
    }
}
