namespace Burst.ControlPlane.Providers.Gce;

/// <summary>
/// The gce provider's settings, from the configuration section "Burst:Gce" (Burst__Gce__Project=...).
/// The provider exists when a project is known: <see cref="Project"/>, else GOOGLE_CLOUD_PROJECT.
/// </summary>
public sealed class GceOptions
{
    public const string Section = "Burst:Gce";

    /// <summary>The project VMs run in; default GOOGLE_CLOUD_PROJECT.</summary>
    public string? Project { get; set; }

    /// <summary>The Compute Engine API base URL; default CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE, else Google's.</summary>
    public string? ApiEndpoint { get; set; }

    /// <summary>Zones tried in order when a job names none; the next is tried when one is out of resources or quota.</summary>
    public List<string> Zones { get; set; } = ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"];

    /// <summary>The machine type when a job names none.</summary>
    public string MachineType { get; set; } = "e2-standard-8";

    /// <summary>The image family VMs boot from when a job names neither an image family nor a container image (`burst image build --family`).</summary>
    public string ImageFamily { get; set; } = "burst-agent";

    /// <summary>The project that holds the image family; default: <see cref="Project"/>.</summary>
    public string? ImageProject { get; set; }

    /// <summary>The service account VMs run as ("default": the project's Compute Engine default service account).</summary>
    public string ServiceAccount { get; set; } = "default";

    /// <summary>OAuth scopes of the VM's service account; its IAM roles are what really limits it.</summary>
    public List<string> Scopes { get; set; } = ["https://www.googleapis.com/auth/cloud-platform"];

    public string Network { get; set; } = "global/networks/default";

    /// <summary>regions/REGION/subnetworks/NAME, for a custom-mode network.</summary>
    public string? Subnetwork { get; set; }

    /// <summary>Give VMs an external address (to reach a control plane on the internet and package mirrors); off for private networks with Cloud NAT.</summary>
    public bool ExternalIp { get; set; } = true;

    public int DiskSizeGb { get; set; } = 20;

    /// <summary>The boot disk type, e.g. pd-balanced.</summary>
    public string DiskType { get; set; } = "pd-balanced";

    /// <summary>The cloud-side lifetime limit of a VM whose job has no limits.max_runtime.</summary>
    public TimeSpan DefaultMaxRuntime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Added to the job's max_runtime for the VM's scheduling.maxRunDuration, so that the control plane's own limit acts first.</summary>
    public TimeSpan RuntimeMargin { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often each VM's status is checked, to notice a preempted or vanished VM.</summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the reaper looks for burst-managed VMs whose job is over or unknown.</summary>
    public TimeSpan ReaperPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A price table file replacing the shipped estimates (Burst.Cloud's Pricing/prices.json shows the shape).</summary>
    public string? PriceTable { get; set; }

    /// <summary>A gs:// folder under which a job without output.model_uri gets its model (…/JOB_ID).</summary>
    public string? OutputPrefix { get; set; }

    /// <summary>The startup script VMs run; default: docker/gce/startup-script.sh, built into the control plane.</summary>
    public string? StartupScript { get; set; }

    /// <summary>A CA certificate (PEM file) the agents trust for an https:// control plane; default: Burst:AgentCaFile.</summary>
    public string? AgentCaFile { get; set; }
}
