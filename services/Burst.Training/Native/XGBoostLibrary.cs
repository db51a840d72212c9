using System.Reflection;
using System.Runtime.InteropServices;

namespace Burst.Training.Native;

/// <summary>
/// Finds the operating system's XGBoost library. Debian's runtime package ships only
/// <c>libxgboost.so.0</c> (the unversioned name comes with -dev), so both are probed, then the path
/// in <c>XGBOOST_LIBRARY_PATH</c>.
/// </summary>
public static class XGBoostLibrary
{
    internal const string LibraryName = "xgboost";

    /// <summary>The environment variable naming a library file to load when the system ones are missing.</summary>
    public const string PathVariable = "XGBOOST_LIBRARY_PATH";

    private static readonly string[] Candidates = OperatingSystem.IsWindows()
        ? ["xgboost.dll"]
        : OperatingSystem.IsMacOS()
            ? ["libxgboost.dylib"]
            : ["libxgboost.so", "libxgboost.so.0"];

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static bool _resolverInstalled;

    /// <summary>Installs the resolver for this assembly's P/Invokes; idempotent.</summary>
    internal static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_resolverInstalled)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(XGBoostLibrary).Assembly, Resolve);
            _resolverInstalled = true;
        }
    }

    /// <summary>The library version, e.g. "1.7.4"; throws <see cref="DllNotFoundException"/> with install advice when none loads.</summary>
    public static string Version
    {
        get
        {
            NativeMethods.XGBoostVersion(out var major, out var minor, out var patch);
            return $"{major}.{minor}.{patch}";
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName)
        {
            return 0;
        }

        lock (Gate)
        {
            if (_handle != 0)
            {
                return _handle;
            }

            var tried = new List<string>();
            foreach (var candidate in Candidates)
            {
                tried.Add(candidate);
                if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out _handle))
                {
                    return _handle;
                }
            }

            var configured = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                tried.Add($"{configured} (from {PathVariable})");
                if (NativeLibrary.TryLoad(configured, out _handle))
                {
                    return _handle;
                }
            }

            throw new DllNotFoundException(
                $"The XGBoost library could not be loaded (tried {string.Join(", ", tried)}). " +
                $"Install it with `apt-get install libxgboost0` (Debian/Ubuntu), or set {PathVariable} to the library file.");
        }
    }
}
