using Google.Apis.Auth.OAuth2;

namespace Burst.Cloud.Auth;

/// <summary>
/// Application Default Credentials scoped to cloud-platform: a service-account key in
/// GOOGLE_APPLICATION_CREDENTIALS, gcloud's user credentials, or the metadata server. Resolved at
/// the first call, so that a host without credentials starts and fails only when it talks to Google.
/// </summary>
public sealed class ApplicationDefaultTokenSource : IAccessTokenSource
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITokenAccess? _credential;

    public async Task<string> GetAccessTokenAsync(CancellationToken ct)
    {
        var credential = _credential;
        if (credential is null)
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_credential is null)
                {
                    GoogleCredential found;
                    try
                    {
                        found = await GoogleCredential.GetApplicationDefaultAsync(ct).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException e)
                    {
                        throw new InvalidOperationException(
                            "no Google credentials: run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS to a service-account key, or run on a Compute Engine VM. " + e.Message,
                            e);
                    }

                    _credential = found.CreateScoped(CloudEndpoints.CloudPlatformScope);
                }

                credential = _credential;
            }
            finally
            {
                _gate.Release();
            }
        }

        return await credential.GetAccessTokenForRequestAsync(cancellationToken: ct).ConfigureAwait(false);
    }
}
