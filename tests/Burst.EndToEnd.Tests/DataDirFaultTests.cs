using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;
using Grpc.Core;
using Microsoft.Data.Sqlite;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// The control plane's data dir fills up: a clear error, nothing lost or corrupted, and service comes back.
/// (A read-only remount is refused by Linux while the store has its files open for writing, so a full disk stands for both.)
/// </summary>
public sealed class DataDirFaultTests
{
    [TmpfsFact]
    public async Task A_full_data_dir_answers_unavailable_saying_so_loses_nothing_and_service_resumes_when_room_returns()
    {
        using var disk = Tmpfs.Mount("4m");
        var pids = Repo.TempDir("burst-standin-pids");
        var standIn = Path.Combine(pids, "agent.sh");
        await File.WriteAllTextAsync(standIn, "#!/bin/sh\n# Stands in for burst-agent: this test is about the store, not training.\necho $$ > \"$FAULT_PIDS/$$\"\nexec sleep 600\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var environment = new Dictionary<string, string>
        {
            ["Burst__AgentPath"] = standIn,
            ["Burst__HeartbeatTimeout"] = "01:00:00",
            ["Burst__MaxConcurrentJobs"] = "1",
            ["FAULT_PIDS"] = pids,
        };
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
            foreach (var file in Directory.GetFiles(pids).Where(f => !f.EndsWith(".sh", StringComparison.Ordinal)))
            {
                if (int.TryParse(await File.ReadAllTextAsync(file), out var pid) && ProcessRunner.IsAlive(pid))
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                }
            }

            Directory.Delete(pids, recursive: true);
        }
    }

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
