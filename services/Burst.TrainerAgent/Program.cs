using Burst.Training;
using Burst.Training.Native;
using Burst.TrainerAgent.Cli;
using Burst.TrainerAgent.Evaluate;
using Burst.TrainerAgent.Train;

// burst-agent MODE [flags]: `agent` attaches to a control plane; `train` and `evaluate` run standalone.
const string Usage = """
    usage: burst-agent agent [flags]      attach to a control plane and run the trials it assigns
           burst-agent train [flags]      search, refit and save a model (--help for flags)
           burst-agent evaluate --model URI --data URI [--format census|csv] [--json]
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Out.WriteLine(Usage);
    return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Success;
}

var mode = args[0];
var rest = args[1..];
if (mode == "agent")
{
    // The agent mode owns its own signal handling and exit codes.
    using var agentTermination = new Termination();
    return await Burst.TrainerAgent.Agent.AgentMode.RunAsync(rest, agentTermination.Token);
}

using var termination = new Termination();
try
{
    return mode switch
    {
        "train" when rest is ["--help"] => Help(TrainHelp.Text),
        "train" => await TrainCommand.RunAsync(rest, Console.Out, termination.Token),
        "evaluate" => await EvaluateCommand.RunAsync(rest, Console.Out, termination.Token),
        _ => throw new UsageException($"unknown mode '{mode}'.\n{Usage}"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"burst-agent: {e.Message}");
    return ExitCodes.Usage;
}
catch (OperationCanceledException) when (termination.Token.IsCancellationRequested)
{
    Console.Error.WriteLine("burst-agent: cancelled.");
    return ExitCodes.Cancelled;
}
catch (DataFormatException e)
{
    Console.Error.WriteLine($"burst-agent: bad data: {e.Message}");
    return ExitCodes.Failure;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or XGBoostException or DllNotFoundException or NotSupportedException or ArgumentException)
{
    Console.Error.WriteLine($"burst-agent: {e.Message}");
    return ExitCodes.Failure;
}

static int Help(string text)
{
    Console.Out.WriteLine(text);
    return ExitCodes.Success;
}
