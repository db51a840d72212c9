namespace Burst.ControlPlane.Providers.Gce;

/// <summary>The instance attributes a gce worker's agent reads (PROTOCOL.md, "What an agent is given"), and the VM's own.</summary>
internal static class GceMetadataKeys
{
    public const string ControlPlane = "burst-control-plane";
    public const string JobId = "burst-job-id";
    public const string WorkerId = "burst-worker-id";
    public const string AgentToken = "burst-agent-token";
    public const string TraceParent = "burst-traceparent";
    public const string ExitAction = "burst-exit-action";

    /// <summary>The PEM text of the CA that issued an https:// control plane's certificate (with Burst:AgentCaFile).</summary>
    public const string CaCertificate = "burst-ca-cert";

    /// <summary>Set for a job with resources.container_image: the startup script runs the agent in that image.</summary>
    public const string ContainerImage = "burst-container-image";

    public const string StartupScript = "startup-script";

    public const string ManagedLabel = "burst-managed";
    public const string JobLabel = "burst-job";
    public const string WorkerLabel = "burst-worker";

    /// <summary>burst-role=image-builder marks `burst image build`'s builder VM, which the reaper leaves alone.</summary>
    public const string RoleLabel = "burst-role";

    public const string ManagedFilter = "labels.burst-managed = \"true\"";
}
