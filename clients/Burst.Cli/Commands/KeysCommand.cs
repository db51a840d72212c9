using System.CommandLine;
using Burst.ControlPlane.Security;

namespace Burst.Cli.Commands;

/// <summary><c>burst keys create --name NAME --role ROLE</c>: a new API key, shown once, and its line for the keys file.</summary>
internal static class KeysCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Option<string>("--name")
        {
            Description = "Who or what the key is for (a letter, then letters, digits, '.', '_', '-', '@')",
            HelpName = "NAME",
            Required = true,
        };
        var role = new Option<string>("--role")
        {
            Description = "read (get, list, watch), submit (read plus submit and cancel) or admin (everything)",
            HelpName = "ROLE",
            Required = true,
        };
        role.AcceptOnlyFromAmong([.. ApiRoles.Names]);
        var create = new Command("create", "Create an API key: prints the key once and the line to add to the server's --api-keys file") { name, role };
        create.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(context, null, _ =>
        {
            var keyName = parseResult.GetValue(name)!;
            if (!ApiKeys.IsValidName(keyName))
            {
                throw new CliUsageException($"--name '{keyName}' must start with a letter and hold only letters, digits, '.', '_', '-' or '@' (at most 64).");
            }

            ApiRoles.TryParse(parseResult.GetValue(role)!, out var parsedRole);
            var key = ApiKeys.Create();
            context.Out.WriteLine($"key (shown only now; give it to the client as BURST_API_KEY): {key}");
            context.Out.WriteLine($"line for the server's --api-keys file: {ApiKeys.FileLine(keyName, parsedRole, key)}");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken));
        return new Command("keys", "Manage API keys") { create };
    }
}
