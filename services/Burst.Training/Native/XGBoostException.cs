namespace Burst.Training.Native;

/// <summary>A call into XGBoost failed; <see cref="Exception.Message"/> carries XGBGetLastError().</summary>
public sealed class XGBoostException(string call, string nativeMessage)
    : Exception($"XGBoost {call} failed: {nativeMessage}")
{
    public string Call { get; } = call;

    public string NativeMessage { get; } = nativeMessage;
}
