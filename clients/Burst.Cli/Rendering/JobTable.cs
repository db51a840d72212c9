using Burst.V1;
using Spectre.Console;

namespace Burst.Cli.Rendering;

/// <summary>The table of <c>burst list</c>: id, name, state, progress, best, created.</summary>
internal static class JobTable
{
    public static void Write(IReadOnlyCollection<Job> jobs, IAnsiConsole console)
    {
        if (jobs.Count == 0)
        {
            console.WriteLine("No jobs.");
            return;
        }

        var table = new Table()
            .Border(console.Profile.Capabilities.Interactive ? TableBorder.Rounded : TableBorder.Simple)
            .AddColumns("ID", "NAME", "STATE", "PROGRESS", "BEST", "CREATED");
        foreach (var job in jobs)
        {
            table.AddRow(
                Cell(job.JobId),
                Cell(string.IsNullOrEmpty(job.Spec?.DisplayName) ? "-" : job.Spec.DisplayName),
                Cell(Text.Name(job.State)),
                Cell(Text.ProgressOf(job.Progress)),
                Cell(Text.Best(job.Progress)),
                Cell(Text.Time(job.CreateTime)));
        }

        console.Write(table);
    }

    private static Markup Cell(string text) => new(Markup.Escape(text));
}
