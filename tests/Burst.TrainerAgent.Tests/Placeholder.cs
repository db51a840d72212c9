namespace Burst.TrainerAgent.Tests;

public sealed class SmokeTests
{
}
