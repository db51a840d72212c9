using System.CommandLine;

namespace Burst.Cli.Commands;

/// <summary>
/// <c>burst evaluate --model URI --data URI [--format F] [--json]</c>: scores a model bundle on a labelled file.
/// It runs <c>burst-agent evaluate</c>, so the CLI itself needs no XGBoost, and passes its output and exit code
/// through. The label column and positive label come from the bundle's manifest, as the model was trained.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model")
        {
            Description = "The model bundle folder (model.json and burst-model.json): a path, file:// or gs:// URI",
            HelpName = "URI",
            Required = true,
        };
        var data = new Option<string>("--data")
        {
            Description = "The labelled data to score",
            HelpName = "URI",
            Required = true,
        };
        var format = new Option<string?>("--format")
        {
            Description = "census or csv; checked against the model's (the data is read as the model's training data was)",
            HelpName = "FORMAT",
        };
        var json = CommonOptions.Json("Print the metrics as one JSON object");
        var command = new Command("evaluate", "Score a trained model on labelled data (runs burst-agent evaluate)")
        {
            model, data, format, json,
        };
        command.SetAction((parseResult, cancellationToken) =>
            CommandRunner.RunAsync(context, null, ct =>
            {
                var arguments = new List<string>
                {
                    "evaluate", "--model", parseResult.GetValue(model)!, "--data", parseResult.GetValue(data)!,
                };
                if (parseResult.GetValue(format) is { } formatName)
                {
                    arguments.Add("--format");
                    arguments.Add(formatName);
                }

                if (parseResult.GetValue(json))
                {
                    arguments.Add("--json");
                }

                return AgentProcess.RunAsync(context, arguments, ct);
            }, cancellationToken));
        return command;
    }
}
