using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;
using Grpc.Core;
using Xunit.Abstractions;

namespace Burst.EndToEnd.Tests;

/// <summary>The control plane SIGKILLed again and again while 20 jobs run, with real agents and real watchers.</summary>
public sealed class KillLoopTests(ITestOutputHelper output)
{
    private const int Jobs = 20;
    private const int Kills = 5;
    private const int Seed = 20261201;

    [Fact]
    public async Task Twenty_jobs_survive_repeated_kills_of_the_control_plane_with_gapless_resumed_watches_and_no_agent_left()
    {
        var server = await BurstServer.StartAsync(environment: new Dictionary<string, string> { ["Burst__MaxConcurrentJobs"] = "4" });
        var pids = new HashSet<int>();
        try
        {
            // A slice of the census data keeps each job to a second or two: the kills, not the training, are under test.
            var data = Path.Combine(server.DataDir, "slice");
            Directory.CreateDirectory(data);
            var train = Path.Combine(data, "adult.data");
            var test = Path.Combine(data, "adult.test");
            await File.WriteAllLinesAsync(train, File.ReadLines(Path.Combine(Repo.Root, "data", "census", "adult.data")).Take(1500));
            await File.WriteAllLinesAsync(test, File.ReadLines(Path.Combine(Repo.Root, "data", "census", "adult.test")).Take(400));
            var jobs = new List<Job>();
            for (var i = 0; i < Jobs; i++)
            {
                var spec = Specs.QuickCensus(trials: 2);
                spec.Dataset = new Dataset { TrainUri = train, TestUri = test, Format = DataFormat.Census };
                spec.Search.Folds = 2;
                spec.Search.Seed = i + 1;
                jobs.Add(await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = spec, RequestId = $"kill-loop-{i}" }));
            }

            // Every watcher resumes after the last sequence it saw whenever its stream drops.
            var follows = jobs.Select(job => FollowAsync(server, job.JobId, onEvent: e =>
            {
                if (e.Worker is { State: WorkerState.Attached } attached)
                {
                    lock (pids)
                    {
                        pids.Add(Watcher.ParsePid(attached.Instance));
                    }
                }
            })).ToList();

            // Kill points drawn from a fixed seed: the same run every time, at different moments of the jobs' lives.
            var random = new Random(Seed);
            var kills = 0;
            for (; kills < Kills && !follows.All(f => f.IsCompleted); kills++)
            {
                await Task.WhenAny(Task.WhenAll(follows), Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 2500))));
                server.Kill();
                output.WriteLine($"kill {kills + 1} at {DateTime.UtcNow:HH:mm:ss.fff}, {follows.Count(f => f.IsCompleted)} jobs watched to the end");
                await server.StartProcessAsync();
            }

            var watched = await Task.WhenAll(follows);
            output.WriteLine($"{kills} kills; final states: {string.Join(", ", watched.GroupBy(Watcher.FinalState).Select(g => $"{g.Key} {g.Count()}"))}");

            for (var i = 0; i < Jobs; i++)
            {
                var events = watched[i];
                Watcher.AssertContiguous(events);
                Assert.True(Burst.Contracts.JobStates.IsTerminal(Watcher.FinalState(events)), $"job {jobs[i].JobId} did not end: {server.Log}");
                Assert.Single(events, e => e.StateChanged is { } s && Burst.Contracts.JobStates.IsTerminal(s.State));
                Assert.Equal(JobEvent.KindOneofCase.StateChanged, events[^1].KindCase);

                // Nothing acknowledged was lost: what the watcher saw across the kills is what the store holds.
                var replay = await Watcher.CollectAsync(server.Jobs, jobs[i].JobId);
                Assert.Equal(events, replay);
                var stored = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobs[i].JobId });
                Assert.Equal(events[^1].Sequence, stored.LastSequence);
            }

            Assert.True(kills >= 1, "the jobs ended before the first kill");
            Assert.NotEmpty(pids);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (pids.Any(ProcessRunner.IsAlive) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            Assert.DoesNotContain(pids, ProcessRunner.IsAlive);
        }
        finally
        {
            await server.DisposeAsync();
            foreach (var pid in pids.Where(ProcessRunner.IsAlive))
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
        }
    }

    /// <summary>
    /// Follows a job across kills: whichever way its stream breaks (UNAVAILABLE at connect, a reset
    /// mid-stream that reads as CANCELLED or INTERNAL), it resumes after the last sequence it saw.
    /// </summary>
    private static async Task<List<JobEvent>> FollowAsync(BurstServer server, string jobId, Action<JobEvent> onEvent)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var events = new List<JobEvent>();
        while (true)
        {
            try
            {
                var after = events.Count == 0 ? 0 : events[^1].Sequence;
                using var call = server.Jobs.WatchJob(new WatchJobRequest { JobId = jobId, AfterSequence = after }, cancellationToken: patience.Token);
                await foreach (var e in call.ResponseStream.ReadAllAsync(patience.Token))
                {
                    events.Add(e);
                    onEvent(e);
                }

                if (events.Count > 0 && events[^1].StateChanged is { } last && Burst.Contracts.JobStates.IsTerminal(last.State))
                {
                    return events;
                }
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled
                && !patience.IsCancellationRequested)
            {
            }

            await Task.Delay(300, patience.Token);
        }
    }
}
