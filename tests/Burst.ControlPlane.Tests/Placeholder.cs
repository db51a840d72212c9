namespace Burst.ControlPlane.Tests;

public sealed class SmokeTests
{
}
