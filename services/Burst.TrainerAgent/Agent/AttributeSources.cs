namespace Burst.TrainerAgent.Agent;

/// <summary>Where a VM's instance attributes come from (the metadata server; a dictionary in tests).</summary>
public interface IAttributeSource
{
    /// <summary>The attribute's value, or null when it is not set.</summary>
    Task<string?> GetAttributeAsync(string key, CancellationToken ct);
}

/// <summary>The metadata server of the VM this agent runs on.</summary>
public sealed class MetadataServerAttributes(Burst.Cloud.Metadata.MetadataClient client) : IAttributeSource
{
    public Task<string?> GetAttributeAsync(string key, CancellationToken ct) => client.GetAttributeAsync(key, ct);
}
