using System.Runtime.InteropServices;

namespace Burst.TrainerAgent.Cli;

/// <summary>Turns Ctrl+C and SIGTERM into cancellation, so a run stops between boosting rounds and cleans up instead of dying mid-write.</summary>
internal sealed class Termination : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;

    public Termination()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    public CancellationToken Token => _cts.Token;

    private void Handle(PosixSignalContext context)
    {
        // Keep the process alive; the cancelled work unwinds and Main returns its exit code.
        context.Cancel = true;
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cts.Dispose();
    }
}
