namespace Burst.Cli;

/// <summary>
/// The exit codes of every <c>burst</c> verb; scripts rely on them, and <c>burst --help</c> lists them.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked; for watch and submit --watch, the job SUCCEEDED.</summary>
    public const int Success = 0;

    /// <summary>The job FAILED or was CANCELLED, or the server refused the request.</summary>
    public const int Failed = 1;

    /// <summary>Bad command line or bad spec: nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The control plane cannot be reached (or was lost for too long while watching).</summary>
    public const int Unreachable = 3;

    /// <summary>The job does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>Ctrl+C or SIGTERM stopped the command (a watched job keeps running).</summary>
    public const int Interrupted = 130;

    internal const string HelpText = """
        Exit codes:
          0    success; for watch and submit --watch: the job SUCCEEDED
          1    the job FAILED or was CANCELLED (the reason is printed), or the server refused the request
          2    usage error: bad flags, bad --spec or --configs file
          3    the control plane cannot be reached
          4    the job was not found
          130  interrupted (Ctrl+C); a watched job keeps running

        Environment:
          BURST_SERVER      the control plane URL when --server is not given (default http://127.0.0.1:50051)
          BURST_AGENT_PATH  the burst-agent executable or .dll that `burst evaluate` runs
          GOOGLE_CLOUD_PROJECT                    the project of `burst image build` when --project is not given
          CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE another Compute Engine endpoint (an emulator, a private endpoint)
        """;
}
