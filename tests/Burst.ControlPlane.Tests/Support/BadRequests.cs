using Google.Rpc;
using Grpc.Core;

namespace Burst.ControlPlane.Tests.Support;

internal static class BadRequests
{
    /// <summary>The field violations of an INVALID_ARGUMENT's google.rpc.BadRequest detail.</summary>
    public static IReadOnlyList<BadRequest.Types.FieldViolation> Of(RpcException error)
    {
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var status = error.GetRpcStatus() ?? throw new Xunit.Sdk.XunitException("INVALID_ARGUMENT without a google.rpc.Status");
        var badRequest = status.GetDetail<BadRequest>() ?? throw new Xunit.Sdk.XunitException("INVALID_ARGUMENT without a BadRequest detail");
        return badRequest.FieldViolations;
    }
}
