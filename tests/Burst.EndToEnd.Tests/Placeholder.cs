namespace Burst.EndToEnd.Tests;

public sealed class SmokeTests
{
}
