using Burst.V1;
using Grpc.Net.Client;

namespace Burst.Cli;

/// <summary>One channel to the control plane for the life of a command.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private ServerConnection(string url, GrpcChannel channel)
    {
        Url = url;
        _channel = channel;
        Jobs = new JobService.JobServiceClient(channel);
    }

    public string Url { get; }

    public JobService.JobServiceClient Jobs { get; }

    public static ServerConnection Open(string url)
    {
        var normalized = Normalize(url);
        return new ServerConnection(normalized, GrpcChannel.ForAddress(normalized));
    }

    /// <summary>Accepts <c>host:port</c> as plain-text HTTP/2 and rejects anything that is not an http(s) URL.</summary>
    public static string Normalize(string url)
    {
        var candidate = url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url;
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliUsageException($"--server: '{url}' is not a control plane URL such as {CliContext.DefaultServer}");
        }

        return candidate.TrimEnd('/');
    }

    public void Dispose() => _channel.Dispose();
}
