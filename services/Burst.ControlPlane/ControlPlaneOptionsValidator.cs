using System.Net;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane;

/// <summary>Rejects a bad configuration when the host starts, naming the setting.</summary>
internal sealed class ControlPlaneOptionsValidator : IValidateOptions<ControlPlaneOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlPlaneOptions options)
    {
        var failures = new List<string>();
        if (ListenEndpoint.TryParse(options.Listen, out _, out var listenError) is false)
        {
            failures.Add($"Burst:Listen: {listenError}");
        }

        if (!string.IsNullOrEmpty(options.HealthListen))
        {
            if (!ListenEndpoint.TryParse(options.HealthListen, out var health, out var healthError))
            {
                failures.Add($"Burst:HealthListen: {healthError}");
            }
            else if (health!.Https || health.Port == 0)
            {
                failures.Add($"Burst:HealthListen must be an http:// URL with a fixed port (probes are told where to look), got '{options.HealthListen}'.");
            }
            else if (ListenEndpoint.TryParse(options.Listen, out var grpc, out _) && grpc!.Port == health.Port)
            {
                failures.Add($"Burst:HealthListen must use another port than Burst:Listen ({health.Port}).");
            }
        }

        if (!Web.WebListenProbe.IsOff(options.WebListen))
        {
            if (!ListenEndpoint.TryParse(options.WebListen, out var web, out var webError))
            {
                failures.Add($"Burst:WebListen (--web-listen): {webError}");
            }
            else if (web!.Port == 0)
            {
                failures.Add($"Burst:WebListen (--web-listen) must name a fixed port (the page is opened there), got '{options.WebListen}'.");
            }
            else if ((ListenEndpoint.TryParse(options.Listen, out var grpc, out _) && grpc!.Port == web.Port)
                || (ListenEndpoint.TryParse(options.HealthListen, out var probes, out _) && probes!.Port == web.Port))
            {
                failures.Add($"Burst:WebListen (--web-listen) must use another port than Burst:Listen and Burst:HealthListen ({web.Port}).");
            }
        }

        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            failures.Add("Burst:DataDir must name a folder.");
        }

        if (options.MaxConcurrentJobs < 1)
        {
            failures.Add($"Burst:MaxConcurrentJobs must be at least 1, got {options.MaxConcurrentJobs}.");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero)
        {
            failures.Add($"Burst:HeartbeatInterval must be positive, got {options.HeartbeatInterval}.");
        }

        if (options.HeartbeatTimeout <= options.HeartbeatInterval)
        {
            failures.Add($"Burst:HeartbeatTimeout ({options.HeartbeatTimeout}) must be longer than Burst:HeartbeatInterval ({options.HeartbeatInterval}).");
        }

        if (options.CostEventInterval <= TimeSpan.Zero)
        {
            failures.Add($"Burst:CostEventInterval must be positive, got {options.CostEventInterval}.");
        }

        if (options.WatchBufferEvents < 1)
        {
            failures.Add($"Burst:WatchBufferEvents must be at least 1, got {options.WatchBufferEvents}.");
        }

        if (options.KeepAlivePingDelay <= TimeSpan.Zero && options.KeepAlivePingDelay != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"Burst:KeepAlivePingDelay must be positive (or -00:00:00.001 for none), got {options.KeepAlivePingDelay}.");
        }

        if (options.KeepAlivePingTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Burst:KeepAlivePingTimeout must be positive, got {options.KeepAlivePingTimeout}.");
        }

        if (!string.IsNullOrEmpty(options.AdvertisedUrl)
            && (!Uri.TryCreate(options.AdvertisedUrl, UriKind.Absolute, out var advertised) || advertised.Scheme is not ("http" or "https")))
        {
            failures.Add($"Burst:AdvertisedUrl must be an absolute http:// or https:// URL, got '{options.AdvertisedUrl}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The parsed form of <see cref="ControlPlaneOptions.Listen"/>.</summary>
internal sealed record ListenEndpoint(bool Https, IPAddress? Address, bool Localhost, int Port)
{
    public static bool TryParse(string? listen, out ListenEndpoint? endpoint, out string error)
    {
        endpoint = null;
        error = "";
        if (string.IsNullOrWhiteSpace(listen)
            || !Uri.TryCreate(listen.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https"))
        {
            error = $"must be an absolute http:// or https:// URL such as http://127.0.0.1:50051, got '{listen}'.";
            return false;
        }

        if (uri.AbsolutePath is not ("/" or ""))
        {
            error = $"must not have a path, got '{listen}'.";
            return false;
        }

        var https = uri.Scheme == "https";
        if (uri.IsDefaultPort && !listen.Contains(":" + uri.Port, StringComparison.Ordinal))
        {
            error = $"must name a port (0 picks a free one), got '{listen}'.";
            return false;
        }

        var host = uri.Host.Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new ListenEndpoint(https, null, true, uri.Port);
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            error = $"the host must be an IP address, localhost or *, got '{uri.Host}'.";
            return false;
        }

        endpoint = new ListenEndpoint(https, address, false, uri.Port);
        return true;
    }
}
