using Burst.TrainerAgent.Agent;

namespace Burst.TrainerAgent.Tests.Agent;

public sealed class AgentSettingsTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["BURST_CONTROL_PLANE"] = "http://127.0.0.1:50051",
        ["BURST_JOB_ID"] = "j-1",
        ["BURST_WORKER_ID"] = "w-1",
        ["BURST_AGENT_TOKEN"] = "secret",
        ["TRACEPARENT"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    };

    [Fact]
    public void Settings_come_from_the_environment_the_provider_sets()
    {
        var settings = AgentSettings.Parse([], Environment.GetValueOrDefault);

        Assert.Equal(new Uri("http://127.0.0.1:50051"), settings.ControlPlane);
        Assert.Equal("j-1", settings.JobId);
        Assert.Equal("w-1", settings.WorkerId);
        Assert.Equal("secret", settings.Token);
        Assert.Equal(Environment["TRACEPARENT"], settings.TraceParent);
        Assert.Equal(ExitAction.None, settings.ExitAction);
    }

    [Fact]
    public void An_agent_uses_every_core_unless_its_provider_gives_it_a_share()
    {
        var whole = AgentSettings.Parse([], Environment.GetValueOrDefault);
        var share = AgentSettings.Parse(["--cores", "1"], Environment.GetValueOrDefault);
        var tooMany = AgentSettings.Parse(["--cores", "100000"], Environment.GetValueOrDefault);

        Assert.Equal(System.Environment.ProcessorCount, whole.Cores);
        Assert.Equal(1, share.Cores);
        Assert.Equal(System.Environment.ProcessorCount, tooMany.Cores);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("two")]
    public void A_core_share_that_is_not_a_positive_number_is_refused_by_name(string value)
    {
        var environment = new Dictionary<string, string>(Environment) { ["BURST_AGENT_CORES"] = value };

        var error = Assert.Throws<AgentUsageException>(() => AgentSettings.Parse([], environment.GetValueOrDefault));

        Assert.Contains("--cores", error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_win_over_the_environment()
    {
        var settings = AgentSettings.Parse(["--job-id", "j-2", "--exit-action=delete-instance"], Environment.GetValueOrDefault);

        Assert.Equal("j-2", settings.JobId);
        Assert.Equal(ExitAction.DeleteInstance, settings.ExitAction);
    }

    [Theory]
    [InlineData(new[] { "--exit-action", "reboot" }, "--exit-action")]
    [InlineData(new[] { "--control-plane", "ftp://x" }, "--control-plane")]
    [InlineData(new[] { "--colour", "red" }, "--colour")]
    [InlineData(new[] { "--job-id" }, "--job-id")]
    public void Bad_flags_get_an_error_naming_the_flag(string[] args, string named)
    {
        var error = Assert.Throws<AgentUsageException>(() => AgentSettings.Parse(args, Environment.GetValueOrDefault));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void A_missing_token_names_both_the_flag_and_the_variable()
    {
        var env = new Dictionary<string, string>(Environment);
        env.Remove("BURST_AGENT_TOKEN");

        var error = Assert.Throws<AgentUsageException>(() => AgentSettings.Parse([], env.GetValueOrDefault));

        Assert.Contains("--token", error.Message);
        Assert.Contains("BURST_AGENT_TOKEN", error.Message);
    }
}
