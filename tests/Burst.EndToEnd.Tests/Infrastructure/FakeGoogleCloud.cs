using Burst.Fakes;

namespace Burst.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fake Google Cloud for the end-to-end tests: Compute Engine whose instances run the real
/// burst-agent, Cloud Storage with the census data in gs://burst-data/census/, and a worker image in
/// the family burst-agent. A `burst server` started with <see cref="ServerEnvironment"/> finds both
/// through Google's own variables, as it would find emulators or Google itself.
/// </summary>
internal sealed class FakeGoogleCloud : IAsyncDisposable
{
    public const string Project = "burst-e2e";
    public const string DataBucket = "burst-data";
    public const string ModelBucket = "burst-models";

    private FakeGoogleCloud(FakeComputeEngine compute, FakeCloudStorage storage, string logDir)
    {
        Compute = compute;
        Storage = storage;
        LogDir = logDir;
    }

    public FakeComputeEngine Compute { get; }

    public FakeCloudStorage Storage { get; }

    /// <summary>Where each fake VM's agent writes its output.</summary>
    public string LogDir { get; }

    public static string TrainUri => $"gs://{DataBucket}/census/adult.data";

    public static string TestUri => $"gs://{DataBucket}/census/adult.test";

    /// <summary>What `burst server` (or `burst image build`) needs to talk to these fakes.</summary>
    public Dictionary<string, string> ServerEnvironment => new()
    {
        ["GOOGLE_CLOUD_PROJECT"] = Project,
        ["CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE"] = Compute.BaseUrl,
        ["STORAGE_EMULATOR_HOST"] = Storage.EmulatorHost,

        // Notice a preempted VM within a second or two, and reap often.
        ["Burst__Gce__StatusPollInterval"] = "00:00:01",
        ["Burst__Gce__ReaperPeriod"] = "00:00:02",
        ["Burst__CostEventInterval"] = "00:00:05",
    };

    public static async Task<FakeGoogleCloud> StartAsync()
    {
        var compute = await FakeComputeEngine.StartAsync(Project);
        var storage = await FakeCloudStorage.StartAsync();
        var logDir = Repo.TempDir("burst-fake-vms");
        compute.AgentPath = Repo.Executable("burst-agent");
        compute.LogDir = logDir;
        compute.AgentEnvironment["STORAGE_EMULATOR_HOST"] = storage.EmulatorHost;
        compute.AgentEnvironment["CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE"] = compute.BaseUrl;
        compute.AddImage("burst-agent-20261101-000000", "burst-agent");

        storage.Put(DataBucket, "census/adult.data", File.ReadAllBytes(Path.Combine(Repo.Root, "data", "census", "adult.data")), "text/plain");
        storage.Put(DataBucket, "census/adult.test", File.ReadAllBytes(Path.Combine(Repo.Root, "data", "census", "adult.test")), "text/plain");
        storage.CreateBucket(ModelBucket);
        return new FakeGoogleCloud(compute, storage, logDir);
    }

    /// <summary>The fake VMs' agent logs, for failure messages.</summary>
    public string AgentLogs() => string.Join(
        "\n",
        Directory.EnumerateFiles(LogDir, "*.log").Select(f => $"== {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));

    public async Task WaitForNoInstancesAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Compute.Instances.Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"instances left: {string.Join(", ", Compute.Instances.Select(i => $"{i.Zone}/{i.Name} {i.Status}"))}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Compute.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
