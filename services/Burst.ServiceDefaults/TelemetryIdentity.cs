using System.Reflection;

namespace Burst.ServiceDefaults;

/// <summary>
/// Who reports: the resource's service.name and service.version, the service's own ActivitySources
/// and Meters (only named ones are listened to), and resource attributes of the whole process (an
/// agent belongs to one job and one worker).
/// </summary>
public sealed record TelemetryIdentity(string ServiceName, string ServiceVersion)
{
    public IReadOnlyList<string> ActivitySources { get; init; } = [];

    public IReadOnlyList<string> Meters { get; init; } = [];

    public IReadOnlyDictionary<string, object> Attributes { get; init; } = new Dictionary<string, object>();

    /// <summary>The assembly's informational version without the "+commit" suffix the SDK appends.</summary>
    public static string VersionOf(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString() ?? "0.0.0";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
