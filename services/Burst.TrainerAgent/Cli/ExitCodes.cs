namespace Burst.TrainerAgent.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad data, a missing file, a library failure.</summary>
    public const int Failure = 1;

    /// <summary>Bad flags or flag values.</summary>
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
