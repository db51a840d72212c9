using System.Net;

namespace Burst.Cloud.Compute;

/// <summary>The Compute Engine API refused a request: its HTTP status, its error reasons (e.g. notFound, quotaExceeded) and its message.</summary>
public sealed class ComputeApiException(HttpStatusCode status, IReadOnlyList<string> reasons, string apiMessage, string request)
    : Exception($"Compute Engine {request}: {(int)status} {status}{(reasons.Count > 0 ? " [" + string.Join(", ", reasons) + "]" : "")}: {apiMessage}")
{
    public HttpStatusCode Status { get; } = status;

    public IReadOnlyList<string> Reasons { get; } = reasons;

    public string ApiMessage { get; } = apiMessage;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    public bool HasReason(string reason) => Reasons.Contains(reason, StringComparer.OrdinalIgnoreCase);
}

/// <summary>A Compute Engine operation ended with errors (e.g. ZONE_RESOURCE_POOL_EXHAUSTED, QUOTA_EXCEEDED).</summary>
public sealed class ComputeOperationException(Operation operation)
    : Exception(Describe(operation))
{
    public Operation Operation { get; } = operation;

    public IReadOnlyList<string> Codes { get; } = operation.Error?.Errors?.Select(e => e.Code ?? "").Where(c => c.Length > 0).ToArray() ?? [];

    public bool HasCode(string code) => Codes.Contains(code, StringComparer.Ordinal);

    private static string Describe(Operation operation)
    {
        var errors = operation.Error?.Errors ?? [];
        var detail = errors.Count == 0
            ? operation.HttpErrorMessage ?? "no detail"
            : string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}"));
        return $"Compute Engine operation {operation.OperationType} {operation.Name} on {operation.TargetLink} failed: {detail}";
    }
}
