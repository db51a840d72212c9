namespace Burst.Cli.Tests.Commands;

public sealed class ImageCommandTests
{
    [Fact]
    public async Task Image_build_without_a_project_is_a_usage_error_that_says_how_to_give_one()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await Cli.RunAsync(["image", "build", "--family", "burst-agent", "--agent-package", "gs://b/burst-agent.tar.gz"], output, error, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--project is required (or set GOOGLE_CLOUD_PROJECT)", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_build_wants_an_agent_package_the_builder_vm_can_download()
    {
        var error = new StringWriter();

        var code = await Cli.RunAsync(
            ["image", "build", "--family", "burst-agent", "--project", "p", "--agent-package", "./burst-agent.tar.gz"],
            new StringWriter(),
            error,
            CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--agent-package must be a gs:// or https:// URL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_build_needs_a_family()
    {
        var error = new StringWriter();

        var code = await Cli.RunAsync(["image", "build", "--agent-package", "gs://b/a.tar.gz"], new StringWriter(), error, CancellationToken.None);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--family", error.ToString(), StringComparison.Ordinal);
    }
}
