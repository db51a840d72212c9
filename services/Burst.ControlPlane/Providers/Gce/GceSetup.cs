using Burst.Cloud;
using Burst.Cloud.Compute;
using Burst.Cloud.Pricing;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Providers.Gce;

/// <summary>The gce provider's wiring: it exists when a project is configured (Burst:Gce:Project or GOOGLE_CLOUD_PROJECT).</summary>
internal static class GceSetup
{
    public static bool IsConfigured(IConfiguration configuration) =>
        CloudEndpoints.Project(configuration[$"{GceOptions.Section}:{nameof(GceOptions.Project)}"]) is not null;

    public static IServiceCollection AddGceProvider(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsConfigured(configuration))
        {
            // No project, no provider: SubmitJob refuses provider "gce" and says how to configure it.
            return services;
        }

        services.AddOptions<GceOptions>()
            .BindConfiguration(GceOptions.Section)
            .PostConfigure(o => o.Project = CloudEndpoints.Project(o.Project))
            .Validate(o => o.Zones.Count > 0, "Burst:Gce:Zones must name at least one zone.")
            .Validate(o => o.StatusPollInterval > TimeSpan.Zero && o.ReaperPeriod > TimeSpan.Zero, "Burst:Gce:StatusPollInterval and Burst:Gce:ReaperPeriod must be positive.")
            .Validate(o => o.OutputPrefix is null or "" || o.OutputPrefix.StartsWith("gs://", StringComparison.Ordinal), "Burst:Gce:OutputPrefix must be a gs:// folder.")
            .ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GceOptions>>().Value;
            return ComputeClient.Create(CloudEndpoints.Compute(o.ApiEndpoint), o.Project!, userAgent: "burst-control-plane", time: sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<GceOptions>>().Value.PriceTable is { Length: > 0 } path ? PriceTable.Load(path) : PriceTable.Default);
        services.AddSingleton<GceStartupScript>();
        services.AddSingleton<GceWorkerProvider>();
        services.AddSingleton<IWorkerProvider>(sp => sp.GetRequiredService<GceWorkerProvider>());
        services.AddSingleton<GceReaper>();
        services.AddHostedService(sp => sp.GetRequiredService<GceReaper>());
        return services;
    }
}
