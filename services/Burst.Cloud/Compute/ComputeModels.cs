using System.Text.Json;
using System.Text.Json.Serialization;

namespace Burst.Cloud.Compute;

// The Compute Engine v1 REST resources burst uses, with the API's field names (camelCase in JSON).
// Only the fields burst reads or writes are here; the API ignores absent ones.

/// <summary>An instance (compute#instance).</summary>
public sealed record Instance
{
    public string? Name { get; init; }
    public string? Id { get; init; }

    /// <summary>zones/ZONE/machineTypes/TYPE on insert; a full URL when read back.</summary>
    public string? MachineType { get; init; }

    /// <summary>PROVISIONING, STAGING, RUNNING, STOPPING, STOPPED, SUSPENDING, SUSPENDED, REPAIRING, TERMINATED.</summary>
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public string? Zone { get; init; }
    public string? CreationTimestamp { get; init; }
    public string? SelfLink { get; init; }
    public IReadOnlyList<AttachedDisk>? Disks { get; init; }
    public IReadOnlyList<NetworkInterface>? NetworkInterfaces { get; init; }
    public InstanceMetadata? Metadata { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public Scheduling? Scheduling { get; init; }
    public IReadOnlyList<ServiceAccount>? ServiceAccounts { get; init; }
    public string? Description { get; init; }

    /// <summary>The zone's short name (the API gives a URL).</summary>
    [JsonIgnore]
    public string? ZoneName => Zone is null ? null : Zone[(Zone.LastIndexOf('/') + 1)..];
}

public sealed record AttachedDisk
{
    public bool? Boot { get; init; }
    public bool? AutoDelete { get; init; }
    public string? DeviceName { get; init; }
    public string? Source { get; init; }
    public AttachedDiskInitializeParams? InitializeParams { get; init; }
}

public sealed record AttachedDiskInitializeParams
{
    /// <summary>projects/P/global/images/family/F or projects/P/global/images/NAME.</summary>
    public string? SourceImage { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? DiskSizeGb { get; init; }

    /// <summary>zones/ZONE/diskTypes/pd-balanced, ...</summary>
    public string? DiskType { get; init; }
    public string? DiskName { get; init; }
}

public sealed record NetworkInterface
{
    public string? Network { get; init; }
    public string? Subnetwork { get; init; }
    public string? NetworkIP { get; init; }
    public IReadOnlyList<AccessConfig>? AccessConfigs { get; init; }
}

public sealed record AccessConfig
{
    public string? Name { get; init; }

    /// <summary>ONE_TO_ONE_NAT gives the VM an external address.</summary>
    public string? Type { get; init; }
    public string? NatIP { get; init; }
}

public sealed record InstanceMetadata
{
    public string? Fingerprint { get; init; }
    public IReadOnlyList<MetadataItem>? Items { get; init; }

    public string? this[string key] => Items?.FirstOrDefault(i => i.Key == key)?.Value;
}

public sealed record MetadataItem(string Key, string? Value);

public sealed record Scheduling
{
    /// <summary>STANDARD or SPOT.</summary>
    public string? ProvisioningModel { get; init; }

    /// <summary>DELETE or STOP: what happens at preemption or at maxRunDuration.</summary>
    public string? InstanceTerminationAction { get; init; }
    public bool? Preemptible { get; init; }
    public bool? AutomaticRestart { get; init; }

    /// <summary>MIGRATE or TERMINATE (Spot VMs must TERMINATE).</summary>
    public string? OnHostMaintenance { get; init; }

    /// <summary>The cloud-side limit on the VM's life.</summary>
    public DurationValue? MaxRunDuration { get; init; }
}

/// <summary>A google.protobuf.Duration as the REST API writes it: whole seconds (an int64, sent as a string) and nanos.</summary>
public sealed record DurationValue
{
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long Seconds { get; init; }
    public int? Nanos { get; init; }
}

public sealed record ServiceAccount(string Email, IReadOnlyList<string> Scopes);

/// <summary>A zonal, regional or global operation (compute#operation).</summary>
public sealed record Operation
{
    public string? Name { get; init; }
    public string? Id { get; init; }
    public string? OperationType { get; init; }
    public string? TargetLink { get; init; }

    /// <summary>PENDING, RUNNING or DONE.</summary>
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
    public string? Zone { get; init; }
    public OperationError? Error { get; init; }
    public int? HttpErrorStatusCode { get; init; }
    public string? HttpErrorMessage { get; init; }
    public string? SelfLink { get; init; }

    [JsonIgnore]
    public bool IsDone => Status == "DONE";

    [JsonIgnore]
    public string? ZoneName => Zone is null ? null : Zone[(Zone.LastIndexOf('/') + 1)..];
}

public sealed record OperationError(IReadOnlyList<OperationErrorItem>? Errors);

/// <summary>One error of an operation, e.g. code ZONE_RESOURCE_POOL_EXHAUSTED or QUOTA_EXCEEDED.</summary>
public sealed record OperationErrorItem(string? Code, string? Message, string? Location);

/// <summary>An image (compute#image).</summary>
public sealed record Image
{
    public string? Name { get; init; }
    public string? Family { get; init; }
    public string? Description { get; init; }

    /// <summary>On insert: zones/ZONE/disks/DISK (or a URL).</summary>
    public string? SourceDisk { get; init; }
    public string? SourceImage { get; init; }

    /// <summary>PENDING, READY, FAILED, DELETING.</summary>
    public string? Status { get; init; }
    public string? SelfLink { get; init; }
    public string? CreationTimestamp { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public IReadOnlyList<string>? StorageLocations { get; init; }
}

internal sealed record InstanceList(IReadOnlyList<Instance>? Items, string? NextPageToken);

internal sealed record InstanceAggregatedList(IReadOnlyDictionary<string, InstancesScopedList>? Items, string? NextPageToken);

internal sealed record InstancesScopedList(IReadOnlyList<Instance>? Instances);

internal sealed record ImageList(IReadOnlyList<Image>? Items, string? NextPageToken);

internal sealed record GuestAttributes(GuestAttributesValue? QueryValue);

internal sealed record GuestAttributesValue(IReadOnlyList<GuestAttributeEntry>? Items);

/// <summary>A guest attribute a VM wrote: NAMESPACE/KEY = VALUE.</summary>
public sealed record GuestAttributeEntry(string? Namespace, string? Key, string? Value);

/// <summary>The API's error body: {"error": {"code", "message", "errors": [{"reason", "message", "domain"}], "status"}}.</summary>
internal sealed record ErrorBody(ErrorDetail? Error);

internal sealed record ErrorDetail(int Code, string? Message, string? Status, IReadOnlyList<ErrorItem>? Errors);

internal sealed record ErrorItem(string? Reason, string? Message, string? Domain);

/// <summary>The serializer settings of the REST API: camelCase names, absent fields left out.</summary>
public static class ComputeJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
