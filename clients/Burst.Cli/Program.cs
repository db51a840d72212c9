using Burst.Cli;

using var signals = new TerminationSignals();
return await Cli.RunAsync(args, CliContext.ForProcess(), signals.Token);
