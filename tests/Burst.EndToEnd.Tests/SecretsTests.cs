using System.Text;
using Burst.ControlPlane.Security;
using Burst.EndToEnd.Tests.Infrastructure;
using Burst.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Burst.EndToEnd.Tests;

/// <summary>
/// A job on a server with API keys, exporting everything to an OTLP receiver at debug level: neither the
/// API key, nor a wrong key that was tried, nor the agent's token shows in any log line, span, event,
/// error message or worker log file.
/// </summary>
public sealed class SecretsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task No_api_key_or_agent_token_appears_in_any_log_span_event_or_error()
    {
        var key = ApiKeys.Create();
        var wrongKey = ApiKeys.Create();
        var dataDir = Repo.TempDir("burst-e2e-secrets");
        var keysFile = Path.Combine(dataDir, "api-keys");
        await File.WriteAllTextAsync(keysFile, ApiKeys.FileLine("e2e", ApiRole.Admin, key) + "\n");
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await BurstServer.StartAsync(dataDir, new Dictionary<string, string>
        {
            ["Burst__ApiKeysFile"] = keysFile,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Logging__LogLevel__Grpc"] = "Debug",
        }, apiKey: key);
        var wrong = new Metadata { { "authorization", "Bearer " + wrongKey } };
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await new JobService.JobServiceClient(server.Channel).ListJobsAsync(new ListJobsRequest(), wrong));

        var job = await server.Jobs.SubmitJobAsync(new SubmitJobRequest { Spec = Specs.QuickCensus(trials: 3) });
        string? token = null;
        var events = await Watcher.CollectAsync(server.Jobs, job.JobId, onEvent: e =>
        {
            // The clear token exists only in the agent's environment: read it there while the agent runs.
            if (token is null && e.Worker?.State == WorkerState.Attached)
            {
                token = AgentTokenOf(job.JobId);
            }

            return Task.CompletedTask;
        });
        var finished = await server.Jobs.GetJobAsync(new GetJobRequest { JobId = job.JobId });
        await WaitForAgentSpansAsync(receiver, job.JobId);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.True(Watcher.FinalState(events) == JobState.Succeeded, server.Log);
        Assert.True(token is { Length: 43 }, "the agent's token was not found in its environment");
        Assert.NotEmpty(receiver.Payloads);
        var workerLogs = Directory.GetFiles(Path.Combine(dataDir, "logs"), "*", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        Assert.NotEmpty(workerLogs);
        var texts = new List<(string Where, string Text)> { ("server output", server.Log), ("refusal", refused.Status.Detail), ("job", JsonFormatter.Default.Format(finished)) };
        texts.AddRange(events.Select(e => ("event", JsonFormatter.Default.Format(e))));
        texts.AddRange(workerLogs.Select(l => ("worker log", l)));
        texts.AddRange(receiver.Payloads.Select(p => ("OTLP export", Encoding.UTF8.GetString(p))));
        foreach (var (name, secret) in new[] { ("API key", key), ("wrong API key", wrongKey), ("agent token", token!) })
        {
            Assert.All(texts, t => Assert.False(t.Text.Contains(secret, StringComparison.Ordinal), $"the {name} appears in the {t.Where}"));
        }
    }

    private static string? AgentTokenOf(string jobId)
    {
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            try
            {
                var environment = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0');
                if (environment.Contains($"BURST_JOB_ID={jobId}"))
                {
                    return environment.FirstOrDefault(v => v.StartsWith("BURST_AGENT_TOKEN=", StringComparison.Ordinal))?["BURST_AGENT_TOKEN=".Length..];
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    private static async Task WaitForAgentSpansAsync(OtlpReceiver receiver, string jobId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline
               && !(receiver.Spans.Any(s => s.Name == "burst.agent" && s.Attributes.GetValueOrDefault("burst.job_id") == jobId)
                    && receiver.Spans.Any(s => s.Name == "burst.job.end")))
        {
            await Task.Delay(200);
        }
    }
}
