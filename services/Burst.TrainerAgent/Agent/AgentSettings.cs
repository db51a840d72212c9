using Burst.Training;

namespace Burst.TrainerAgent.Agent;

/// <summary>What to do once the control plane says the job is over.</summary>
public enum ExitAction
{
    /// <summary>Just exit (local agent processes).</summary>
    None,
    /// <summary>Power the machine off (`shutdown -h now`).</summary>
    Shutdown,
    /// <summary>Delete this VM through the Compute Engine API, falling back to a shutdown.</summary>
    DeleteInstance,
}

/// <summary>How an agent finds its control plane and proves which job it works for.</summary>
public sealed record AgentSettings(
    Uri ControlPlane,
    string JobId,
    string WorkerId,
    string Token,
    string? TraceParent,
    ExitAction ExitAction,
    TimeSpan ReconnectWindow)
{
    public const string ControlPlaneVariable = "BURST_CONTROL_PLANE";
    public const string JobIdVariable = "BURST_JOB_ID";
    public const string WorkerIdVariable = "BURST_WORKER_ID";
    public const string TokenVariable = "BURST_AGENT_TOKEN";
    public const string TraceParentVariable = "TRACEPARENT";
    public const string ExitActionVariable = "BURST_EXIT_ACTION";
    public const string CoresVariable = "BURST_AGENT_CORES";
    public const string CaFileVariable = Burst.Cloud.Tls.PrivateCaTrust.CaFileVariable;

    /// <summary>On a VM, the CA certificate itself (PEM text) stands in for BURST_CA_FILE.</summary>
    public const string CaCertificateAttribute = "burst-ca-cert";

    /// <summary>The private CA that issued the control plane's certificate, when the system roots do not cover it.</summary>
    public Burst.Cloud.Tls.PrivateCaTrust? Trust { get; init; }

    /// <summary>
    /// Waits between attach attempts, reset by any contact. Jittered, so that a fleet cut off by a
    /// control-plane restart does not come back in one burst.
    /// </summary>
    public static readonly Backoff DefaultReconnect = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), Jitter: 0.5);

    public Backoff Reconnect { get; init; } = DefaultReconnect;

    /// <summary>
    /// The cores this agent's trials may use: the machine's, unless its provider gave it a share
    /// (several local agents of one job share one machine, and each running trials on every core
    /// would oversubscribe it).
    /// </summary>
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// On a Compute Engine VM the same settings are instance attributes (custom metadata) that the
    /// gce provider writes (PROTOCOL.md, "What an agent is given"): variable → attribute.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> MetadataAttributes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ControlPlaneVariable] = "burst-control-plane",
        [JobIdVariable] = "burst-job-id",
        [WorkerIdVariable] = "burst-worker-id",
        [TokenVariable] = "burst-agent-token",
        [TraceParentVariable] = "burst-traceparent",
        [ExitActionVariable] = "burst-exit-action",
    };

    /// <summary>
    /// The settings of an agent on a VM: each from the environment when it is set there, else from the
    /// instance attribute of <see cref="MetadataAttributes"/>.
    /// </summary>
    public static async Task<AgentSettings> FromMetadataAsync(IAttributeSource metadata, Func<string, string?> environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(environment);
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (variable, attribute) in MetadataAttributes)
        {
            attributes[variable] = NullIfEmpty(environment(variable)) ?? await metadata.GetAttributeAsync(attribute, ct).ConfigureAwait(false);
        }

        try
        {
            var settings = Parse([], name => attributes.TryGetValue(name, out var value) ? value : environment(name));
            if (settings.Trust is null && await metadata.GetAttributeAsync(CaCertificateAttribute, ct).ConfigureAwait(false) is { Length: > 0 } pem)
            {
                settings = settings with { Trust = LoadTrust(() => Burst.Cloud.Tls.PrivateCaTrust.FromPem(pem), $"the instance attribute {CaCertificateAttribute}") };
            }

            return settings;
        }
        catch (AgentUsageException e)
        {
            throw new AgentUsageException($"{e.Message}; on a Compute Engine VM: the instance attributes {string.Join(", ", MetadataAttributes.Values)}");
        }
    }

    /// <summary>
    /// Reads flags first, then environment variables. The token is normally passed in the
    /// environment so that it never shows in a process listing.
    /// </summary>
    public static AgentSettings Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new AgentUsageException($"unexpected argument '{arg}'");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                flags[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                flags[arg[2..]] = args[++i];
            }
            else
            {
                throw new AgentUsageException($"flag '{arg}' needs a value");
            }
        }

        string? Get(string flag, string variable) =>
            flags.Remove(flag, out var value) ? value : NullIfEmpty(environment(variable));

        string Require(string flag, string variable) =>
            Get(flag, variable) ?? throw new AgentUsageException($"missing --{flag} (or the {variable} environment variable)");

        var address = Require("control-plane", ControlPlaneVariable);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new AgentUsageException($"--control-plane must be an http:// or https:// URL, got '{address}'");
        }

        var jobId = Require("job-id", JobIdVariable);
        var workerId = Require("worker-id", WorkerIdVariable);
        var token = Require("token", TokenVariable);
        var traceParent = Get("traceparent", TraceParentVariable);
        var exitAction = ParseExitAction(Get("exit-action", ExitActionVariable) ?? "none");
        var window = Get("reconnect-window", "BURST_RECONNECT_WINDOW_SECONDS") is { } w
            ? TimeSpan.FromSeconds(ParsePositive(w, "reconnect-window"))
            : TimeSpan.FromMinutes(10);

        var caFile = Get("ca-file", CaFileVariable);
        var cores = Get("cores", CoresVariable) is { } c ? Math.Min(ParseCount(c, "cores"), Environment.ProcessorCount) : Environment.ProcessorCount;
        if (flags.Count > 0)
        {
            throw new AgentUsageException($"unknown flag --{flags.Keys.First()}");
        }

        return new AgentSettings(uri, jobId, workerId, token, traceParent, exitAction, window)
        {
            Cores = cores,
            Trust = caFile is null ? null : LoadTrust(() => Burst.Cloud.Tls.PrivateCaTrust.FromPemFile(caFile), $"--ca-file {caFile}"),
        };
    }

    private static Burst.Cloud.Tls.PrivateCaTrust LoadTrust(Func<Burst.Cloud.Tls.PrivateCaTrust> load, string source)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            throw new AgentUsageException($"{source}: cannot load the CA certificates (PEM): {e.Message}");
        }
    }

    private static ExitAction ParseExitAction(string value) => value switch
    {
        "none" => ExitAction.None,
        "shutdown" => ExitAction.Shutdown,
        "delete-instance" => ExitAction.DeleteInstance,
        _ => throw new AgentUsageException($"--exit-action must be none, shutdown or delete-instance, got '{value}'"),
    };

    private static int ParsePositive(string value, string flag) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new AgentUsageException($"--{flag} must be a positive whole number of seconds, got '{value}'");

    private static int ParseCount(string value, string flag) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new AgentUsageException($"--{flag} must be a positive whole number, got '{value}'");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Bad flags or environment: the message names what was wrong.</summary>
public sealed class AgentUsageException(string message) : Exception(message);
