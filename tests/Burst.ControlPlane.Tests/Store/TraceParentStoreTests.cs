using Burst.ControlPlane.Store;
using Burst.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;

namespace Burst.ControlPlane.Tests.Store;

public sealed class TraceParentStoreTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("burst-cp-store-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task A_database_from_before_traces_gains_the_column_and_keeps_its_jobs()
    {
        var old = new Job { JobId = "j-old", State = JobState.Succeeded, CreateTime = Timestamp.FromDateTime(DateTime.UtcNow) };
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "burst.db")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE jobs (job_id TEXT NOT NULL PRIMARY KEY, state INTEGER NOT NULL, create_time_ms INTEGER NOT NULL,
                                   last_sequence INTEGER NOT NULL, job BLOB NOT NULL) WITHOUT ROWID;
                INSERT INTO jobs VALUES ('j-old', 4, 0, 1, $job);
                """;
            command.Parameters.AddWithValue("$job", old.ToByteArray());
            command.ExecuteNonQuery();
        }

        using var store = new SqliteJobStore(_dataDir);
        var created = await store.CreateJobAsync(
            new NewJob(
                new Job { JobId = "j-new", State = JobState.Queued, CreateTime = Timestamp.FromDateTime(DateTime.UtcNow) },
                new JobEvent { StateChanged = new StateChanged { State = JobState.Queued } },
                null,
                new JobSpec(),
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            CancellationToken.None);

        Assert.Equal(CreateJobStatus.Created, created.Status);
        Assert.Null(await store.GetTraceParentAsync("j-old", CancellationToken.None));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", await store.GetTraceParentAsync("j-new", CancellationToken.None));
        Assert.Equal(old, await store.GetJobAsync("j-old", CancellationToken.None));
        var counts = store.CountJobsByState();
        Assert.Equal(1, counts[JobState.Succeeded]);
        Assert.Equal(1, counts[JobState.Queued]);
    }
}
