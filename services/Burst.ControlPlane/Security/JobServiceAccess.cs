namespace Burst.ControlPlane.Security;

/// <summary>Which role each JobService method needs; a method not listed needs admin.</summary>
internal static class JobServiceAccess
{
    public const string Prefix = "/" + Extensions.JobServiceName + "/";

    private static readonly Dictionary<string, ApiRole> Needs = new(StringComparer.Ordinal)
    {
        ["GetJob"] = ApiRole.Read,
        ["ListJobs"] = ApiRole.Read,
        ["WatchJob"] = ApiRole.Read,
        ["SubmitJob"] = ApiRole.Submit,
        ["CancelJob"] = ApiRole.Submit,
    };

    /// <summary>The role a gRPC method path needs, or null for a method outside JobService (agents, health, reflection).</summary>
    public static ApiRole? RoleFor(string method) =>
        method.StartsWith(Prefix, StringComparison.Ordinal)
            ? Needs.GetValueOrDefault(method[Prefix.Length..], ApiRole.Admin)
            : null;
}
