using Burst.ControlPlane.Jobs;
using Burst.ControlPlane.Tests.Support;
using Burst.V1;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Security;

public sealed class InputLimitTests : IAsyncLifetime
{
    private readonly DirectoryInfo _allowed = Directory.CreateTempSubdirectory("burst-allowed-");
    private TestControlPlane _cp = null!;

    public async Task InitializeAsync() =>
        _cp = await TestControlPlane.StartAsync(new FakeWorkerProvider { Behavior = _ => null }, configure: o =>
        {
            o.MaxWorkers = 8;
            o.AllowPaths.Add(_allowed.FullName);
        });

    public async Task DisposeAsync()
    {
        await _cp.DisposeAsync();
        _allowed.Delete(recursive: true);
    }

    private async Task<BadRequestOf> RejectAsync(JobSpec spec)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));
        return new BadRequestOf(BadRequests.Of(error).ToDictionary(v => v.Field, v => v.Description));
    }

    private sealed record BadRequestOf(Dictionary<string, string> Violations);

    private static JobSpec Csv(string trainUri) => new() { Dataset = new Dataset { TrainUri = trainUri, LabelColumn = "y", PositiveLabel = "1" } };

    [Fact]
    public async Task File_etc_passwd_is_refused_naming_spec_dataset_train_uri()
    {
        var rejected = await RejectAsync(Csv("file:///etc/passwd"));

        Assert.Contains("outside the folders this server allows", rejected.Violations["spec.dataset.train_uri"], StringComparison.Ordinal);
        Assert.Contains("--allow-path", rejected.Violations["spec.dataset.train_uri"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_that_climbs_out_of_an_allowed_folder_with_dot_dot_is_refused()
    {
        var rejected = await RejectAsync(Csv(Path.Combine(_cp.DataDir, "..", "..", "..", "etc", "passwd")));

        Assert.Contains("spec.dataset.train_uri", rejected.Violations.Keys);
    }

    [Fact]
    public async Task A_symlink_inside_an_allowed_folder_that_leads_outside_is_refused()
    {
        var link = Path.Combine(_cp.DataDir, "innocent");
        Directory.CreateSymbolicLink(link, "/etc");

        var rejected = await RejectAsync(Csv(new Uri(Path.Combine(link, "passwd")).AbsoluteUri));
        var climbing = await RejectAsync(Csv(Path.Combine(link, "..", "passwd")));

        Assert.Contains("leads to /etc/passwd", rejected.Violations["spec.dataset.train_uri"], StringComparison.Ordinal);
        Assert.Contains("leads to /passwd", climbing.Violations["spec.dataset.train_uri"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_under_the_data_dir_the_temp_dir_or_an_allow_path_folder_is_accepted()
    {
        var underAllowed = await _cp.SubmitAsync(Csv(Path.Combine(_allowed.FullName, "train.csv")));
        var underTemp = await _cp.SubmitAsync(Csv(new Uri(Path.Combine(Path.GetTempPath(), "x", "train.csv")).AbsoluteUri));
        var bundled = await _cp.SubmitAsync(new JobSpec());

        Assert.Equal(JobState.Queued, underAllowed.State);
        Assert.Equal(JobState.Queued, underTemp.State);
        Assert.Equal(JobSpecRules.BundledTrainUri, bundled.Spec.Dataset.TrainUri);
    }

    [Fact]
    public async Task A_model_uri_outside_the_allowed_folders_is_refused()
    {
        var rejected = await RejectAsync(new JobSpec { Output = new Output { ModelUri = "/usr/lib/model" } });

        Assert.Contains("spec.output.model_uri", rejected.Violations.Keys);
    }

    [Fact]
    public async Task Workers_above_the_servers_configured_limit_are_refused_naming_the_limit()
    {
        var rejected = await RejectAsync(new JobSpec { Search = new Search { Workers = 9 } });

        Assert.Contains("and 8 (this server's limit), got 9", rejected.Violations["spec.search.workers"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Long_names_labels_and_uris_are_refused_naming_the_limit_without_echoing_the_input()
    {
        var spec = new JobSpec { DisplayName = new string('n', 257), Dataset = new Dataset { TrainUri = "gs://b/" + new string('u', 3000) } };
        for (var i = 0; i < 65; i++)
        {
            spec.Labels[$"k{i}"] = "v";
        }

        var rejected = await RejectAsync(spec);

        Assert.Contains("at most 256 characters, got 257", rejected.Violations["spec.display_name"], StringComparison.Ordinal);
        Assert.Contains("at most 64 labels, got 65", rejected.Violations["spec.labels"], StringComparison.Ordinal);
        Assert.Contains("at most 2048 characters, got 3007", rejected.Violations["spec.dataset.train_uri"], StringComparison.Ordinal);
        Assert.All(rejected.Violations.Values, d => Assert.True(d.Length < 400, d));
    }

    [Fact]
    public async Task A_request_larger_than_the_message_limit_is_resource_exhausted_naming_the_limit()
    {
        var spec = new JobSpec { DisplayName = new string('n', 5 * 1024 * 1024) };

        var error = await Assert.ThrowsAsync<RpcException>(() => _cp.SubmitAsync(spec));
        var after = await _cp.Jobs.ListJobsAsync(new ListJobsRequest());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"at most {ControlPlaneOptions.DefaultMaxRequestBytes} bytes (Burst:MaxRequestBytes)", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(after.Jobs);
    }
}

public sealed class DataRootsTests
{
    [Fact]
    public void Dot_dot_after_a_symlink_climbs_from_the_link_target_as_the_kernel_does()
    {
        var folder = Directory.CreateTempSubdirectory("burst-roots-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "a", "b"));
            Directory.CreateSymbolicLink(Path.Combine(folder.FullName, "link"), Path.Combine(folder.FullName, "a", "b"));

            var real = DataRoots.RealPath(Path.Combine(folder.FullName, "link", "..", "file"));

            Assert.Equal(Path.Combine(DataRoots.RealPath(folder.FullName), "a", "file"), real);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_folder_whose_name_only_starts_like_a_root_is_not_under_it()
    {
        var roots = new DataRoots(["/srv/data"]);

        Assert.True(roots.Allows("/srv/data/x.csv", out _));
        Assert.False(roots.Allows("/srv/data-secret/x.csv", out _));
        Assert.False(roots.Allows("file:///srv/other", out _));
    }
}
