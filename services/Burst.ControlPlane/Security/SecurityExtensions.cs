using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace Burst.ControlPlane.Security;

internal static class SecurityExtensions
{
    /// <summary>API keys, the access mode, the request size limit and their start-up checks.</summary>
    public static IServiceCollection AddControlPlaneSecurity(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<ControlPlaneOptions>, SecurityOptionsValidator>();
        services.AddSingleton<ApiKeyRing>();
        services.AddSingleton<Agents.SpentAgentTokens>();
        services.AddSingleton<ClientAccess>();
        services.AddSingleton<ClientAuthInterceptor>();
        services.AddHostedService<ClientAccessAnnouncement>();
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<ControlPlaneOptions>>((grpc, options) =>
            grpc.MaxReceiveMessageSize = options.Value.MaxRequestBytes);
        services.AddOptions<Providers.Gce.GceOptions>().PostConfigure<IOptions<ControlPlaneOptions>>((gce, options) =>
            gce.AgentCaFile ??= options.Value.AgentCaFile);
        return services;
    }
}
