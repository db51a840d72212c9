using System.CommandLine;
using Burst.Cli.Rendering;
using Burst.Cli.Specs;
using Burst.Cli.Watching;
using Burst.V1;

namespace Burst.Cli.Commands;

/// <summary>
/// <c>burst submit [--spec FILE] [flags] [--watch] [--json] [--request-id ID]</c>: submits a job built from a
/// proto3 JSON spec file and the flags that override it; prints the job id, or follows it with --watch.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(CliContext context)
    {
        var server = CommonOptions.Server(context);
        var credentials = new CredentialOptions(context);
        var spec = TextOption("--spec", "FILE", "A burst.v1.JobSpec in proto3 JSON; the flags below override its fields");
        var name = TextOption("--name", "NAME", "display_name");
        var labels = ListOption("--label", "KEY=VALUE", "A label (repeatable)");
        var trainUri = TextOption("--train-uri", "URI", "dataset.train_uri: a path, file:// or gs:// URI");
        var testUri = TextOption("--test-uri", "URI", "dataset.test_uri");
        var format = TextOption("--format", "FORMAT", $"dataset.format: {string.Join(", ", EnumNames.ShortNames<DataFormat>())}");
        var labelColumn = TextOption("--label-column", "COLUMN", "dataset.label_column (CSV)");
        var positiveLabel = TextOption("--positive-label", "VALUE", "dataset.positive_label (CSV)");
        var strategy = TextOption("--strategy", "STRATEGY", $"search.strategy: {string.Join(", ", EnumNames.ShortNames<SearchStrategy>())}");
        var trials = NumberOption<int>("--trials", "N", "search.trials: configs to sample");
        var folds = NumberOption<int>("--folds", "K", "search.folds: cross-validation folds");
        var seed = NumberOption<long>("--seed", "SEED", "search.seed");
        var scoring = TextOption("--scoring", "METRIC", $"search.scoring: {string.Join(", ", EnumNames.ShortNames<Scoring>())}");
        var configs = TextOption("--configs", "FILE", "A JSON list of configs to run exactly (sets --strategy explicit)");
        var workers = NumberOption<int>("--workers", "N", "search.workers: machines or local agent processes");
        var threads = NumberOption<int>("--threads", "N", "search.threads: XGBoost threads per trial (0: from the cores)");
        var provider = TextOption("--provider", "PROVIDER", $"resources.provider: {string.Join(", ", JobSpecBuilder.Providers)}");
        var machineType = TextOption("--machine-type", "TYPE", "resources.machine_type, e.g. c3-highcpu-44");
        var zones = ListOption("--zone", "ZONE", "resources.zones (repeatable)");
        var imageFamily = TextOption("--image-family", "FAMILY", "resources.image_family: the VM image family (gce; `burst image build --family`)");
        var containerImage = TextOption("--container-image", "IMAGE", "resources.container_image: run burst-agent from this image on Container-Optimized OS (gce)");
        var spot = new Option<bool?>("--spot") { Description = "resources.spot: use Spot VMs", Arity = ArgumentArity.ZeroOrOne };
        var maxRuntime = TextOption("--max-runtime", "DURATION", "limits.max_runtime, e.g. 90s, 30m, 1h");
        var maxCost = NumberOption<double>("--max-cost", "USD", "limits.max_cost_usd");
        var maxRestarts = NumberOption<int>("--max-restarts", "N", "limits.max_restarts: lost workers to replace");
        var modelUri = TextOption("--model-uri", "URI", "output.model_uri: the folder for the model bundle");
        var watch = new Option<bool>("--watch") { Description = "Follow the job until it ends, as `burst watch` does" };
        var json = CommonOptions.Json("Print the Job as proto3 JSON (with --watch: one JobEvent per line)");
        var requestId = TextOption("--request-id", "ID", "Makes the submit idempotent: the same id and spec give the same job");

        var command = new Command("submit", "Submit a job; an empty spec is the Census search on the bundled data")
        {
            server, spec, name, labels, trainUri, testUri, format, labelColumn, positiveLabel, strategy, trials, folds,
            seed, scoring, configs, workers, threads, provider, machineType, zones, imageFamily, containerImage, spot, maxRuntime, maxCost,
            maxRestarts, modelUri, watch, json, requestId,
        };
        credentials.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
        {
            var url = parseResult.GetValue(server)!;
            return CommandRunner.RunAsync(context, url, async ct =>
            {
                var flags = new SubmitFlags
                {
                    SpecFile = parseResult.GetValue(spec),
                    Name = parseResult.GetValue(name),
                    Labels = parseResult.GetValue(labels) ?? [],
                    TrainUri = parseResult.GetValue(trainUri),
                    TestUri = parseResult.GetValue(testUri),
                    Format = parseResult.GetValue(format),
                    LabelColumn = parseResult.GetValue(labelColumn),
                    PositiveLabel = parseResult.GetValue(positiveLabel),
                    Strategy = parseResult.GetValue(strategy),
                    Trials = parseResult.Given(trials),
                    Folds = parseResult.Given(folds),
                    Seed = parseResult.Given(seed),
                    Scoring = parseResult.GetValue(scoring),
                    ConfigsFile = parseResult.GetValue(configs),
                    Workers = parseResult.Given(workers),
                    Threads = parseResult.Given(threads),
                    Provider = parseResult.GetValue(provider),
                    MachineType = parseResult.GetValue(machineType),
                    Zones = parseResult.GetValue(zones) ?? [],
                    ImageFamily = parseResult.GetValue(imageFamily),
                    ContainerImage = parseResult.GetValue(containerImage),
                    Spot = SpotValue(parseResult, spot),
                    MaxRuntime = parseResult.GetValue(maxRuntime),
                    MaxCostUsd = parseResult.Given(maxCost),
                    MaxRestarts = parseResult.Given(maxRestarts),
                    ModelUri = parseResult.GetValue(modelUri),
                };
                var request = new SubmitJobRequest
                {
                    RequestId = parseResult.GetValue(requestId) ?? "",
                    Spec = JobSpecBuilder.Build(flags),
                };

                using var connection = ServerConnection.Open(url, credentials.Resolve(parseResult));
                var job = await connection.Jobs.SubmitJobAsync(request, cancellationToken: ct);
                var asJson = parseResult.GetValue(json);
                if (!parseResult.GetValue(watch))
                {
                    context.Out.WriteLine(asJson ? ProtoJson.Document(job) : job.JobId);
                    return ExitCodes.Success;
                }

                if (!asJson)
                {
                    context.Out.WriteLine($"Submitted job {job.JobId}");
                }

                var outcome = await JobWatcher.WatchAsync(context, connection, job, afterSequence: 0, asJson, ct);
                return outcome.ExitCode;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>A bare <c>--spot</c> means true; <c>--spot false</c> overrides a spec file's true.</summary>
    private static bool? SpotValue(ParseResult parseResult, Option<bool?> spot) =>
        parseResult.GetResult(spot) is null ? null : parseResult.GetValue(spot) ?? true;

    private static Option<string?> TextOption(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName };

    /// <summary>A number flag; read it with <see cref="CommonOptions.Given{T}"/>, so that absent stays distinct from 0.</summary>
    private static Option<T> NumberOption<T>(string name, string helpName, string description)
        where T : struct =>
        new(name) { Description = description, HelpName = helpName };

    private static Option<string[]> ListOption(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName };
}
