namespace Burst.Cloud.Auth;

/// <summary>OAuth access tokens for Google APIs; each call returns a token valid for a while longer.</summary>
public interface IAccessTokenSource
{
    Task<string> GetAccessTokenAsync(CancellationToken ct);
}
