using System.Security.Cryptography;
using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Data.Sqlite;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// The control plane's data dir fills up or turns read-only: a clear error, nothing lost or corrupted, and
/// service comes back once the data dir is writable again. A read-only remount is refused by Linux while the
/// store has its files open for writing (EBUSY), so a running server's data dir turns read-only the way a
/// disk does in production: ext4 meets an error and the kernel makes it read-only (see <see cref="Ext4Disk"/>).
/// </summary>
public sealed class DataDirFaultTests
{
    [TmpfsFact]
    public async Task A_full_data_dir_answers_unavailable_saying_so_loses_nothing_and_service_resumes_when_room_returns()
    {
        using var disk = Tmpfs.Mount("4m");
        var (pids, environment) = await StandInAgentAsync();
        var server = await BurstServer.StartAsync(disk.Path, environment);
        var answered = new List<string>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                answered.Add((await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() })).JobId);
            }

            // Full: a filler takes every free byte; submits go on until the store runs out of room.
            var filler = Path.Combine(disk.Path, "filler");
            Fill(filler);
            RpcException? refused = null;
            for (var i = 0; i < 5000 && refused is null; i++)
            {
                try
                {
                    answered.Add((await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() })).JobId);
                }
                catch (RpcException e)
                {
                    refused = e;
                }
            }

            Assert.NotNull(refused);
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("the job store is unavailable", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("full", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Equal(answered[0], (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = answered[0] })).JobId);

            // Room again: the next submit is served.
            File.Delete(filler);
            answered.Add(await SubmitWhenServedAsync(server));

            // Nothing answered was lost, and the file is sound, after a SIGKILL and a restart too.
            server.Kill();
            await server.StartProcessAsync();
            var listed = await server.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 1000 });
            Assert.Equal(answered.Order(StringComparer.Ordinal), listed.Jobs.Select(j => j.JobId).Order(StringComparer.Ordinal));
            Assert.All(listed.Jobs, j => Assert.True(j.LastSequence >= 1));
            Assert.Equal("ok", IntegrityCheck(Path.Combine(disk.Path, "burst.db")));
        }
        finally
        {
            await server.DisposeAsync();
            await StopStandInsAsync(pids);
            Directory.Delete(pids, recursive: true);
        }
    }

    [TmpfsFact]
    public async Task A_server_started_on_a_read_only_data_dir_exits_with_one_line_naming_it_and_changes_nothing()
    {
        using var disk = Tmpfs.Mount("4m");
        var (pids, environment) = await StandInAgentAsync();
        string jobId;
        var server = await BurstServer.StartAsync(disk.Path, environment);
        try
        {
            jobId = (await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() })).JobId;

            // A crash leaves the database with its WAL and shared-memory files: the hardest state to leave alone.
            server.Kill();
        }
        finally
        {
            await server.DisposeAsync();
            await StopStandInsAsync(pids);
        }

        disk.RemountReadOnly();
        var before = Snapshot(disk.Path);
        foreach (var (dataDir, problem) in new[]
        {
            (disk.Path, "is not writable: it is on a read-only file system"),
            (Path.Combine(disk.Path, "new"), "cannot be created: it is on a read-only file system"),
        })
        {
            var result = await ProcessRunner.RunAsync(
                Repo.Executable("burst"),
                ["server", "--listen", $"http://127.0.0.1:{Repo.FreePort()}", "--data-dir", dataDir, "--web-listen", "none"],
                TimeSpan.FromSeconds(60),
                environment: environment);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.DoesNotContain("listening", result.StdOut, StringComparison.Ordinal);
            Assert.Equal($"burst: the data dir {dataDir} {problem}", result.StdErr.TrimEnd('\n'));
        }

        Assert.Equal(before, Snapshot(disk.Path));

        // Writable again: the same data dir serves the job it held.
        disk.RemountWritable();
        var again = await BurstServer.StartAsync(disk.Path, environment);
        try
        {
            Assert.Equal(jobId, (await again.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId })).JobId);
        }
        finally
        {
            await again.DisposeAsync();
            await StopStandInsAsync(pids);
            Directory.Delete(pids, recursive: true);
        }
    }

    [Ext4DiskFact]
    public async Task A_data_dir_turned_read_only_answers_unavailable_saying_so_keeps_jobs_and_events_and_service_resumes_once_writable()
    {
        using var disk = Ext4Disk.Mount("64m");
        var (pids, environment) = await StandInAgentAsync();
        var server = await BurstServer.StartAsync(disk.Path, environment);
        var health = new Health.HealthClient(server.Channel);
        var answered = new List<string>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                answered.Add((await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() })).JobId);
            }

            var stored = new Dictionary<string, List<JobEvent>>();
            foreach (var id in answered)
            {
                stored[id] = await StoredEventsAsync(server, id);
            }

            disk.TurnReadOnly();
            var write = Assert.Throws<IOException>(() => File.WriteAllText(Path.Combine(disk.Path, "probe"), "x"));
            Assert.Contains("Read-only file system", write.Message, StringComparison.Ordinal);

            var refused = await Assert.ThrowsAsync<RpcException>(async () => await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() }));
            Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
            Assert.Contains("the job store is unavailable", refused.Status.Detail, StringComparison.Ordinal);
            Assert.Contains($"the data dir {disk.Path} is not writable: it is on a read-only file system", refused.Status.Detail, StringComparison.Ordinal);
            foreach (var service in new[] { "", "burst.v1.JobService", "burst.v1.AgentService" })
            {
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
            }

            // Reads go on: every job and every stored event is there as it was.
            foreach (var (id, events) in stored)
            {
                Assert.Equal(id, (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = id })).JobId);
                Assert.Equal(events, (await StoredEventsAsync(server, id)).Take(events.Count));
            }

            Assert.Equal(answered.Order(StringComparer.Ordinal), (await server.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 100 })).Jobs.Select(j => j.JobId).Order(StringComparer.Ordinal));

            // Writable again, on a disk mounted anew: health comes back by itself and submits are served.
            disk.MountRepaired();
            await WaitForServingAsync(health);
            answered.Add((await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() })).JobId);

            // Nothing answered was lost, and the file is sound, after a SIGKILL and a restart too.
            server.Kill();
            await server.StartProcessAsync();
            var listed = await server.Jobs.ListJobsAsync(new ListJobsRequest { PageSize = 100 });
            Assert.Equal(answered.Order(StringComparer.Ordinal), listed.Jobs.Select(j => j.JobId).Order(StringComparer.Ordinal));
            foreach (var (id, events) in stored)
            {
                Assert.Equal(events, (await StoredEventsAsync(server, id)).Take(events.Count));
            }

            Assert.Equal("ok", IntegrityCheck(Path.Combine(disk.Path, "burst.db")));
        }
        finally
        {
            await server.DisposeAsync();
            await StopStandInsAsync(pids);
            Directory.Delete(pids, recursive: true);
        }
    }

    /// <summary>A script that stands in for burst-agent, and the server environment that starts it: these tests are about the store, not training.</summary>
    private static async Task<(string Pids, Dictionary<string, string> Environment)> StandInAgentAsync()
    {
        var pids = Repo.TempDir("burst-standin-pids");
        var standIn = Path.Combine(pids, "agent.sh");
        await File.WriteAllTextAsync(standIn, "#!/bin/sh\n# Stands in for burst-agent: this test is about the store, not training.\necho $$ > \"$FAULT_PIDS/$$\"\nexec sleep 600\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return (pids, new Dictionary<string, string>
        {
            ["Burst__AgentPath"] = standIn,
            ["Burst__HeartbeatTimeout"] = "01:00:00",
            ["Burst__MaxConcurrentJobs"] = "1",
            ["FAULT_PIDS"] = pids,
        });
    }

    private static async Task StopStandInsAsync(string pids)
    {
        foreach (var file in Directory.GetFiles(pids).Where(f => !f.EndsWith(".sh", StringComparison.Ordinal)))
        {
            if (int.TryParse(await File.ReadAllTextAsync(file), out var pid) && ProcessRunner.IsAlive(pid))
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync();
            }

            File.Delete(file);
        }
    }

    /// <summary>The job's events up to its last sequence now, as WatchJob replays them from the store.</summary>
    private static async Task<List<JobEvent>> StoredEventsAsync(BurstServer server, string jobId)
    {
        var last = (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId })).LastSequence;
        using var call = server.Jobs.WatchJob(new WatchJobRequest { JobId = jobId }, deadline: DateTime.UtcNow.AddSeconds(60));
        var events = new List<JobEvent>();
        while (events.Count < last && await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            events.Add(call.ResponseStream.Current);
        }

        return events;
    }

    private static async Task WaitForServingAsync(Health.HealthClient health)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await health.CheckAsync(new HealthCheckRequest())).Status;
            if (status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"health still {status} a minute after the data dir was writable again");
            await Task.Delay(200);
        }
    }

    /// <summary>Every file and folder under <paramref name="dir"/>, a file with a hash of its bytes.</summary>
    private static SortedDictionary<string, string> Snapshot(string dir) => new(
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(dir, f),
            f => Directory.Exists(f) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    private static void Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
        }

        // What is left is smaller than a chunk: fill that too.
        try
        {
            while (true)
            {
                file.Write(chunk, 0, 512);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A submit, retried briefly: the writer may need one failed attempt to notice the room is back.</summary>
    private static async Task<string> SubmitWhenServedAsync(BurstServer server)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus() })).JobId;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string IntegrityCheck(string database)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)command.ExecuteScalar()!;
    }
}
