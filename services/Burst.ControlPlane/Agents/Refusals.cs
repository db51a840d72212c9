using Burst.ControlPlane.Lifecycle;
using Grpc.Core;

namespace Burst.ControlPlane.Agents;

/// <summary>The API layer's mapping of the core's refusals to gRPC statuses (PROTOCOL.md, 1 and 3).</summary>
internal static class Refusals
{
    public static RpcException ToRpc(Refusal refusal) => new(new Status(
        refusal.Kind switch
        {
            RefusalKind.NotProvisioned => StatusCode.PermissionDenied,
            RefusalKind.BadReport => StatusCode.InvalidArgument,
            _ => StatusCode.Internal,
        },
        refusal.Message));
}
