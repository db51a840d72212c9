using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Burst.Fakes;

/// <summary>
/// The metadata server of one fake VM (one per instance: a process finds it through
/// GCE_METADATA_HOST, which names a host and port only). It serves the instance's attributes, name,
/// zone, project id and a service-account token, and takes guest attributes; like the real one it
/// wants "Metadata-Flavor: Google" and answers with it.
/// </summary>
internal sealed class FakeMetadataServer : IAsyncDisposable
{
    private readonly Func<IReadOnlyDictionary<string, string>> _attributes;
    private FakeHost _host = null!;

    private FakeMetadataServer(string project, string zone, string name, Func<IReadOnlyDictionary<string, string>> attributes)
    {
        Project = project;
        Zone = zone;
        Name = name;
        _attributes = attributes;
    }

    public string Project { get; }

    public string Zone { get; }

    public string Name { get; }

    /// <summary>NAMESPACE/KEY → value, as the VM wrote them.</summary>
    public ConcurrentDictionary<string, string> GuestAttributes { get; } = new(StringComparer.Ordinal);

    /// <summary>127.0.0.1:PORT for GCE_METADATA_HOST.</summary>
    public string Host => _host.HostAndPort;

    public static async Task<FakeMetadataServer> StartAsync(string project, string zone, string name, Func<IReadOnlyDictionary<string, string>> attributes)
    {
        var server = new FakeMetadataServer(project, zone, name, attributes);
        server._host = await FakeHost.StartAsync(server.HandleAsync);
        return server;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["Metadata-Flavor"] = "Google";
        if (context.Request.Headers["Metadata-Flavor"] != "Google")
        {
            context.Response.StatusCode = 403;
            await context.Response.WriteAsync("Missing Metadata-Flavor:Google header.");
            return;
        }

        var (segments, _) = FakeHost.Target(context);
        if (segments.Length < 2 || segments[0] != "computeMetadata" || segments[1] != "v1")
        {
            context.Response.StatusCode = 404;
            return;
        }

        var path = string.Join('/', segments[2..]);
        string? answer = null;
        if (context.Request.Method == "PUT" && path.StartsWith("instance/guest-attributes/", StringComparison.Ordinal))
        {
            GuestAttributes[path["instance/guest-attributes/".Length..]] = await new StreamReader(context.Request.Body).ReadToEndAsync();
            return;
        }

        if (path.StartsWith("instance/attributes/", StringComparison.Ordinal))
        {
            answer = _attributes().GetValueOrDefault(path["instance/attributes/".Length..]);
        }
        else
        {
            answer = path switch
            {
                "instance/name" => Name,
                "instance/hostname" => $"{Name}.c.{Project}.internal",
                "instance/zone" => $"projects/123456789/zones/{Zone}",
                "project/project-id" => Project,
                "project/numeric-project-id" => "123456789",
                "instance/service-accounts/default/token" => """{"access_token":"fake-metadata-token","expires_in":3599,"token_type":"Bearer"}""",
                "instance/service-accounts/default/email" => $"burst@{Project}.iam.gserviceaccount.com",
                _ => null,
            };
        }

        if (answer is null)
        {
            context.Response.StatusCode = 404;
            return;
        }

        context.Response.ContentType = path.EndsWith("/token", StringComparison.Ordinal) ? "application/json" : "application/text";
        await context.Response.WriteAsync(answer);
    }
}
