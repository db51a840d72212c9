namespace Burst.Cli;

/// <summary>A bad flag value or input file, found before anything is sent; exits with <see cref="ExitCodes.Usage"/>.</summary>
public sealed class CliUsageException(string message, Exception? inner = null) : Exception(message, inner);
