namespace Burst.TrainerAgent.Cli;

/// <summary>A bad flag or flag value: reported with the flag's name, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
