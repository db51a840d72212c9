namespace Burst.Training.Tests;

public sealed class SmokeTests
{
}
