using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;

namespace Burst.ServiceDefaults;

/// <summary>
/// Plain HTTP/1 probes on a port of their own, for load balancers and Kubernetes: liveness answers
/// while the process serves requests at all; readiness runs the health checks tagged
/// <see cref="ReadyTag"/> (200 Healthy, 503 Unhealthy). Nothing else is served on that port, and
/// the probes are served on no other.
/// </summary>
public static class HealthEndpoints
{
    public const string PathPrefix = "/healthz";
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";

    /// <summary>Health checks with this tag decide readiness (and, in the control plane, gRPC health).</summary>
    public const string ReadyTag = "ready";

    public static IApplicationBuilder UseHealthEndpoints(this IApplicationBuilder app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        app.UseHealthChecks(LivePath, port, new HealthCheckOptions { Predicate = _ => false });
        app.UseHealthChecks(ReadyPath, port, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapWhen(context => context.Connection.LocalPort == port, other => other.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));
        return app;
    }
}
