using System.Runtime.InteropServices;

namespace Burst.Training.Native;

/// <summary>The slice of XGBoost's C API (c_api.h, 1.7) the engine uses. Every int return is 0 on success, -1 on failure.</summary>
internal static unsafe partial class NativeMethods
{
    // An explicit static constructor runs before the first P/Invoke here, so the resolver is always in place in time.
    static NativeMethods() => XGBoostLibrary.EnsureResolver();

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial void XGBoostVersion(out int major, out int minor, out int patch);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial nint XGBGetLastError();

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGDMatrixCreateFromMat(float* data, ulong nrow, ulong ncol, float missing, out DMatrixHandle handle);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGDMatrixCreateFromMat_omp(float* data, ulong nrow, ulong ncol, float missing, out DMatrixHandle handle, int nthread);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGDMatrixFree(nint handle);

    [LibraryImport(XGBoostLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGDMatrixSetFloatInfo(DMatrixHandle handle, string field, float* array, ulong length);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGDMatrixNumRow(DMatrixHandle handle, out ulong rows);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGDMatrixNumCol(DMatrixHandle handle, out ulong columns);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterCreate(nint* dmats, ulong length, out BoosterHandle handle);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterFree(nint handle);

    [LibraryImport(XGBoostLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSetParam(BoosterHandle handle, string name, string value);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterUpdateOneIter(BoosterHandle handle, int iteration, DMatrixHandle train);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterBoostedRounds(BoosterHandle handle, out int rounds);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterGetNumFeature(BoosterHandle handle, out ulong features);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterEvalOneIter(BoosterHandle handle, int iteration, nint* dmats, byte** names, ulong length, out byte* result);

    [LibraryImport(XGBoostLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterPredictFromDMatrix(BoosterHandle handle, DMatrixHandle dmat, string config, out ulong* shape, out ulong dimensions, out float* result);

    [LibraryImport(XGBoostLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSaveModel(BoosterHandle handle, string fileName);

    [LibraryImport(XGBoostLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterLoadModel(BoosterHandle handle, string fileName);

    [LibraryImport(XGBoostLibrary.LibraryName)]
    internal static partial int XGBoosterLoadModelFromBuffer(BoosterHandle handle, byte* buffer, ulong length);

    [LibraryImport(XGBoostLibrary.LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSaveModelToBuffer(BoosterHandle handle, string config, out ulong length, out byte* buffer);

    /// <summary>Turns a failed call into an exception carrying XGBoost's own message for this thread.</summary>
    internal static void Check(int status, string call)
    {
        if (status != 0)
        {
            var message = Marshal.PtrToStringUTF8(XGBGetLastError());
            throw new XGBoostException(call, string.IsNullOrWhiteSpace(message) ? "(XGBoost gave no message)" : message.Trim());
        }
    }
}
