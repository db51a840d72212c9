namespace Burst.Cli.Tests;

public sealed class SmokeTests
{
}
