using System.Diagnostics;
using Burst.Bench;
using Burst.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

// bench/control-plane.sh starts one `burst server` and runs this against it:
//   ControlPlaneBench URL SERVER_PID TOKENS_DIR [SECONDS]
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: ControlPlaneBench URL SERVER_PID TOKENS_DIR [SECONDS]");
    return 2;
}

var url = args[0];
var server = new ServerProcess(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
var tokens = args[2];
var seconds = args.Length > 3 ? double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5;
var phase = TimeSpan.FromSeconds(seconds);

using var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
});
var jobs = new JobService.JobServiceClient(channel);
var health = new Health.HealthClient(channel);
var figures = new List<(string Name, string Value)>();

static JobSpec Spec(int trials, int workers) => new() { Search = new Search { Trials = trials, Workers = workers } };

// BENCH_PHASES=submit,reads (a comma list of watch, ingest, submit, reads) runs only those phases: for profiling one path.
var phases = (Environment.GetEnvironmentVariable("BENCH_PHASES") ?? "watch,ingest,submit,reads").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
bool Runs(string name) => phases.Contains(name, StringComparer.OrdinalIgnoreCase);

// Warm-up: the first calls of each kind JIT-compile the server's paths.
for (var i = 0; i < 200; i++)
{
    await health.CheckAsync(new HealthCheckRequest());
}

// 1. Watchers: one job driven by a simulated agent; 8, then 1,000 watchers.
if (Runs("watch"))
{
    var watched = await jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Spec(trials: 1, workers: 1) });
    var driverToken = (await WorkerToken.WaitForAsync(tokens, watched.JobId, 1, TimeSpan.FromSeconds(60)))[0];
    await using (var driver = await SimulatedAgent.AttachAsync(url, driverToken, window: 1))
    {
        foreach (var watchers in new[] { 8, 1000 })
        {
            var result = await Watching.RunAsync(jobs, driver, watched.JobId, watchers, events: (int)(20 * seconds), perSecond: 20, server);
            figures.Add(($"watch, {watchers} watchers: delivery (event time to receipt)", result.Latency.Summary()));
            figures.Add(($"watch, {watchers} watchers: server CPU per delivered event", $"{result.CpuMicrosPerDelivery:F1} us ({result.Deliveries} deliveries, {result.CpuSeconds:F2} s CPU)"));
            figures.Add(($"watch, {watchers} watchers: server RSS", $"{result.RssMiB:F0} MiB"));
        }
}

await jobs.CancelJobAsync(new CancelJobRequest { JobId = watched.JobId, Reason = "bench" });
}

// 2. Ingestion: 50 workers of one job, each a simulated agent with 8 reports in flight.
if (Runs("ingest"))
{
    var fleet = await jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Spec(trials: 50, workers: 50) });
    var fleetTokens = await WorkerToken.WaitForAsync(tokens, fleet.JobId, 50, TimeSpan.FromSeconds(120));
    var agents = await Task.WhenAll(fleetTokens.Select(t => SimulatedAgent.AttachAsync(url, t)));
    var ingestion = await Ingestion.RunAsync(agents, phase, server);
    figures.Add(("agent ingestion, 50 agents: reports committed and acked", $"{ingestion.ReportsPerSecond:F0}/s ({ingestion.Reports} in {ingestion.Seconds:F1} s, server CPU {ingestion.CpuMicrosPerReport:F0} us/report)"));
    foreach (var agent in agents)
    {
        await agent.DisposeAsync();
}

await jobs.CancelJobAsync(new CancelJobRequest { JobId = fleet.JobId, Reason = "bench" });
}

// 3. SubmitJob against the no-op unary (grpc.health.v1 Check), 16 callers each, in turns after a warm-up of each.
var submitted = 2;
if (Runs("submit"))
{
    Task<HealthCheckResponse> Noop(CancellationToken ct) => health.CheckAsync(new HealthCheckRequest(), cancellationToken: ct).ResponseAsync;
    Task<Job> Submit(CancellationToken ct) => jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Spec(trials: 2, workers: 1) }, cancellationToken: ct).ResponseAsync;

    // BENCH_SUBMIT_CALLERS=16,64 measures at more caller counts (default 16, the target's): a group
    // commit shares each flush among the submits that wait for it, so its cost per call falls as they grow.
    var callerCounts = (Environment.GetEnvironmentVariable("BENCH_SUBMIT_CALLERS") ?? "16")
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture));
    foreach (var callers in callerCounts)
    {
        // Both paths warmed alike (the JIT's tiers, the store's pages), then measured in turns: three
        // pairs of half-phases, so that a slow second of the machine falls on both sides of the ratio.
        await Unary.RunAsync(callers, phase, server, Noop);
        submitted += (await Unary.RunAsync(callers, phase, server, Submit)).Calls;
        var pairs = new List<(UnaryResult Noop, UnaryResult Submit)>();
        for (var i = 0; i < 3; i++)
        {
            var noopTurn = await Unary.RunAsync(callers, phase / 2, server, Noop);
            var submitTurn = await Unary.RunAsync(callers, phase / 2, server, Submit);
            pairs.Add((noopTurn, submitTurn));
            submitted += submitTurn.Calls;
        }

        var ratios = pairs.Select(p => p.Submit.PerSecond / p.Noop.PerSecond).Order().ToList();
        figures.Add(($"no-op unary (health Check), {callers} callers", UnaryResult.Combine(pairs.Select(p => p.Noop)).Summary()));
        figures.Add(($"SubmitJob, {callers} callers", UnaryResult.Combine(pairs.Select(p => p.Submit)).Summary()));
        figures.Add(($"SubmitJob / no-op, {callers} callers", $"{ratios[1]:F2}x (median of 3 turns: {string.Join(", ", pairs.Select(p => $"{p.Submit.PerSecond / p.Noop.PerSecond:F2}"))})"));
    }
}

// 4. Reads with 10,000 stored jobs, 4 callers.
if (Runs("reads"))
{
    var stored = submitted;
    var fill = Stopwatch.StartNew();
    var toFill = Math.Max(0, 10_000 - stored);
    var next = 0;
    await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) <= toFill)
        {
            await jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Spec(trials: 2, workers: 1) });
        }
    }));
    stored += toFill;
    figures.Add(("stored jobs for the reads", $"{stored} (topped up in {fill.Elapsed.TotalSeconds:F1} s)"));

    var ids = new List<string>();
    string pageToken = "";
    do
    {
        var page = await jobs.ListJobsAsync(new ListJobsRequest { PageSize = 1000, PageToken = pageToken });
        ids.AddRange(page.Jobs.Select(j => j.JobId));
        pageToken = page.NextPageToken;
}
while (pageToken.Length > 0);

var get = await Unary.RunAsync(4, phase, server, ct => jobs.GetJobAsync(new GetJobRequest { JobId = ids[Random.Shared.Next(ids.Count)] }, cancellationToken: ct).ResponseAsync);
var tokensByCaller = new string[4];
var callerIndex = 0;
var list = await Unary.RunAsync(4, phase, server, async ct =>
{
    // Each caller walks the pages from the newest to the oldest and starts over: every depth is read.
    var me = Interlocked.Increment(ref callerIndex) % 4;
    var page = await jobs.ListJobsAsync(new ListJobsRequest { PageSize = 50, PageToken = tokensByCaller[me] ?? "" }, cancellationToken: ct);
    tokensByCaller[me] = page.NextPageToken;
    return page;
});
figures.Add(($"GetJob, {ids.Count} jobs, 4 callers", get.Summary()));
figures.Add(($"ListJobs(50), {ids.Count} jobs, 4 callers", list.Summary()));
}
var (rss, peak) = server.RssMiB();
figures.Add(("server RSS at the end / peak", $"{rss:F0} MiB / {peak:F0} MiB"));

Console.WriteLine();
Console.WriteLine($"control plane bench ({Environment.ProcessorCount} cores, {seconds} s phases, server {url})");
var width = figures.Max(f => f.Name.Length);
foreach (var (name, value) in figures)
{
    Console.WriteLine($"  {name.PadRight(width)}  {value}");
}

return 0;
