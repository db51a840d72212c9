namespace Burst.ControlPlane;

/// <summary>
/// The data dir cannot hold the job store (read-only, not writable, not a folder, a database that will not
/// open): the control plane does not start, and the message says which folder and why, in one line.
/// </summary>
public sealed class DataDirException : Exception
{
    public DataDirException(string dataDir, string problem, Exception? inner = null)
        : base($"the data dir {dataDir} {problem}", inner)
    {
        DataDir = dataDir;
    }

    public string DataDir { get; }
}
