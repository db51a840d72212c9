using Burst.Cloud.Compute;

namespace Burst.Cloud.Tests;

public sealed class CloudEndpointsTests
{
    [Fact]
    public void The_compute_endpoint_is_the_setting_else_gcloud_s_override_else_google_s()
    {
        Func<string, string?> env = name => name == CloudEndpoints.ComputeOverrideVariable ? "http://127.0.0.1:8080/compute/v1" : null;

        Assert.Equal("http://127.0.0.1:8080/compute/v1/", CloudEndpoints.Compute(null, env).ToString());
        Assert.Equal("https://private.example/compute/v1/", CloudEndpoints.Compute("https://private.example/compute/v1/", env).ToString());
        Assert.Equal(CloudEndpoints.DefaultCompute, CloudEndpoints.Compute(null, _ => null).ToString());
        Assert.Throws<ArgumentException>(() => CloudEndpoints.Compute("ftp://x/", env));
    }

    [Fact]
    public void Only_plain_http_on_loopback_counts_as_an_emulator_that_gets_no_credentials()
    {
        Assert.True(CloudEndpoints.IsEmulator(new Uri("http://127.0.0.1:8080/compute/v1/")));
        Assert.True(CloudEndpoints.IsEmulator(new Uri("http://localhost:9000/")));
        Assert.True(CloudEndpoints.IsEmulator(new Uri("http://[::1]:9000/")));
        Assert.False(CloudEndpoints.IsEmulator(new Uri("https://127.0.0.1:8080/")));
        Assert.False(CloudEndpoints.IsEmulator(new Uri("http://10.0.0.5:8080/")));
        Assert.False(CloudEndpoints.IsEmulator(new Uri(CloudEndpoints.DefaultCompute)));
    }

    [Fact]
    public void The_metadata_server_and_project_follow_the_environment()
    {
        Assert.Equal("http://metadata.google.internal/computeMetadata/v1/", CloudEndpoints.Metadata(_ => null).ToString());
        Assert.Equal("http://127.0.0.1:9/computeMetadata/v1/", CloudEndpoints.Metadata(n => n == CloudEndpoints.MetadataHostVariable ? "127.0.0.1:9" : null).ToString());
        Assert.Equal("p1", CloudEndpoints.Project(null, n => n == CloudEndpoints.ProjectVariable ? "p1" : null));
        Assert.Equal("p2", CloudEndpoints.Project("p2", n => "p1"));
        Assert.Null(CloudEndpoints.Project(null, _ => null));
    }

    [Fact]
    public void Names_and_label_values_are_made_safe()
    {
        Assert.Equal("j-01m8jraz0n2pvcgf", ResourceNames.LabelValue("j-01m8jraz0n2pvcgf"));
        Assert.Equal("my-job-1", ResourceNames.LabelValue("My Job.1"));
        Assert.Equal("burst-j-01m8-w-1", ResourceNames.Resource("burst", "j-01m8", "w-1"));
        Assert.Equal("b-1abc", ResourceNames.Resource("1abc"));
        Assert.True(ResourceNames.Resource("burst", new string('x', 80)).Length <= 63);
        Assert.Equal("us-central1-a", ResourceNames.LastSegment("https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a"));
    }
}
