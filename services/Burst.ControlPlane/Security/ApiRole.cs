namespace Burst.ControlPlane.Security;

/// <summary>What an API key may do; each role includes the ones before it.</summary>
public enum ApiRole
{
    /// <summary>GetJob, ListJobs, WatchJob.</summary>
    Read = 1,

    /// <summary>Read, plus SubmitJob and CancelJob.</summary>
    Submit = 2,

    /// <summary>Every call.</summary>
    Admin = 3,
}

/// <summary>The role names of the keys file and of <c>burst keys create --role</c>.</summary>
public static class ApiRoles
{
    public static readonly IReadOnlyList<string> Names = ["read", "submit", "admin"];

    public static bool TryParse(string text, out ApiRole role)
    {
        role = text switch
        {
            "read" => ApiRole.Read,
            "submit" => ApiRole.Submit,
            "admin" => ApiRole.Admin,
            _ => 0,
        };
        return role != 0;
    }

    public static string Name(ApiRole role) => role switch
    {
        ApiRole.Read => "read",
        ApiRole.Submit => "submit",
        _ => "admin",
    };
}
