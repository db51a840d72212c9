using Microsoft.Win32.SafeHandles;

namespace Burst.Training.Native;

/// <summary>An XGBoost DMatrix; freed exactly once, even if the owner forgets to dispose it.</summary>
internal sealed class DMatrixHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => NativeMethods.XGDMatrixFree(handle) == 0;
}

/// <summary>An XGBoost Booster; freed exactly once, even if the owner forgets to dispose it.</summary>
internal sealed class BoosterHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => NativeMethods.XGBoosterFree(handle) == 0;
}
