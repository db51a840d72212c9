using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Runtime;

/// <summary>The URL agents dial: the configured AdvertisedUrl, else the address the server bound (a wildcard host becomes loopback).</summary>
internal sealed class ControlPlaneAddress(IServer server, IHostApplicationLifetime lifetime, IOptions<ControlPlaneOptions> options)
{
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AdvertisedUrl is { Length: > 0 } advertised)
        {
            return advertised;
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            await started.Task.WaitAsync(cancellationToken);
        }

        return Bound(server) ?? options.Value.Listen;
    }

    /// <summary>The first address the server listens on, usable by a client on this machine.</summary>
    public static string? Bound(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is null || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var builder = new UriBuilder(uri);
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+")
        {
            builder.Host = "127.0.0.1";
        }

        return builder.Uri.GetLeftPart(UriPartial.Authority);
    }
}
