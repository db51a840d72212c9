namespace Burst.ControlPlane;

/// <summary>Settings of one control plane; bound from the configuration section "Burst" as well.</summary>
public sealed partial class ControlPlaneOptions
{
    public const string Section = "Burst";

    /// <summary>Where the gRPC endpoint listens: http:// is h2c (HTTP/2 only), https:// needs a configured certificate; port 0 picks a free port.</summary>
    public string Listen { get; set; } = "http://127.0.0.1:50051";

    /// <summary>
    /// Where the HTTP/1 health probes (/healthz/live, /healthz/ready) listen, for load balancers and
    /// Kubernetes, e.g. http://0.0.0.0:8081; a fixed port, apart from the gRPC one. Unset: no probe port.
    /// </summary>
    public string? HealthListen { get; set; }

    /// <summary>
    /// Where the dashboard listens: HTTP/1.1, the page and JobService over gRPC-Web, e.g.
    /// http://127.0.0.1:8080 (a fixed port). Unset or "none": no dashboard. `burst server` defaults it to
    /// http://127.0.0.1:8080.
    /// </summary>
    public string? WebListen { get; set; }

    /// <summary>Folder for burst.db, worker logs and (by default) model bundles.</summary>
    public string DataDir { get; set; } = DefaultDataDir();

    /// <summary>Jobs that may be provisioning, running or cancelling at once; the rest wait queued.</summary>
    public int MaxConcurrentJobs { get; set; } = 2;

    /// <summary>How often an agent is asked to send a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A worker silent for longer than this is declared lost.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How much more VM time (summed over a job's VMs) makes a new cost event; a job's end always makes one.</summary>
    public TimeSpan CostEventInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The burst-agent executable (or burst-agent.dll); default: next to this assembly. BURST_AGENT_PATH overrides.</summary>
    public string? AgentPath { get; set; }

    /// <summary>The address agents dial; default: the address the server actually bound.</summary>
    public string? AdvertisedUrl { get; set; }

    /// <summary>
    /// Stop the workers of unfinished jobs when this control plane stops gracefully. Off by default: a
    /// restarted control plane adopts them (PROTOCOL.md, "Restart"). An in-process demo turns it on.
    /// </summary>
    public bool StopWorkersOnShutdown { get; set; }

    /// <summary>How many recent events of each watched job are kept in memory for its watchers; one further behind reads the store.</summary>
    public int WatchBufferEvents { get; set; } = 1024;

    /// <summary>
    /// An HTTP/2 connection idle for this long gets a PING, so a long WatchJob with nothing to send is not
    /// dropped silently by a proxy or NAT. <see cref="Timeout.InfiniteTimeSpan"/> sends none.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection whose PING goes unanswered for this long is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    internal static string DefaultDataDir()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrEmpty(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "burst");
    }

    internal void CopyTo(ControlPlaneOptions target)
    {
        target.Listen = Listen;
        target.HealthListen = HealthListen;
        target.WebListen = WebListen;
        target.DataDir = DataDir;
        target.MaxConcurrentJobs = MaxConcurrentJobs;
        target.HeartbeatInterval = HeartbeatInterval;
        target.HeartbeatTimeout = HeartbeatTimeout;
        target.CostEventInterval = CostEventInterval;
        target.AgentPath = AgentPath;
        target.AdvertisedUrl = AdvertisedUrl;
        target.StopWorkersOnShutdown = StopWorkersOnShutdown;
        target.WatchBufferEvents = WatchBufferEvents;
        target.KeepAlivePingDelay = KeepAlivePingDelay;
        target.KeepAlivePingTimeout = KeepAlivePingTimeout;
        CopySecurityTo(target);
    }
}
