using Burst.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Burst.Cli;

/// <summary>One channel to the control plane for the life of a command.</summary>
internal sealed class ServerConnection : IDisposable
{
    private readonly GrpcChannel _channel;

    private ServerConnection(string url, GrpcChannel channel, CallInvoker invoker)
    {
        Url = url;
        _channel = channel;
        Jobs = new JobService.JobServiceClient(invoker);
    }

    public string Url { get; }

    public JobService.JobServiceClient Jobs { get; }

    public static ServerConnection Open(string url) => Open(url, ClientCredentials.None);

    /// <summary>A channel that trusts the private CA if one is given and sends the API key, if any, on every call.</summary>
    public static ServerConnection Open(string url, ClientCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var normalized = Normalize(url);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        credentials.Trust?.Apply(handler);
        if (credentials.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        var channel = GrpcChannel.ForAddress(normalized, new GrpcChannelOptions { HttpHandler = handler });
        CallInvoker invoker = channel.CreateCallInvoker();
        if (credentials.ApiKey is { } key)
        {
            var value = "Bearer " + key;
            invoker = invoker.Intercept(metadata =>
            {
                metadata.Add("authorization", value);
                return metadata;
            });
        }

        return new ServerConnection(normalized, channel, invoker);
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
