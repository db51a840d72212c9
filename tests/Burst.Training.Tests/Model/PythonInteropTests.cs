using System.Diagnostics;
using System.Globalization;
using Burst.Training.Search;

namespace Burst.Training.Tests.Model;

public sealed class PythonInteropTests
{
    private const string Python = "/usr/bin/python3";

    /// <summary>
    /// The point of saving XGBoost's own JSON: Debian's python3-xgboost loads model.json as it is and
    /// predicts what we predict. CI installs python3-xgboost, so its absence is a failure, not a skip.
    /// </summary>
    [Fact]
    public async Task Python_xgboost_loads_the_saved_model_and_predicts_the_same()
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: install python3 and python3-xgboost (apt-get install python3-xgboost).");
        var data = await Census.LoadAsync();
        using var folder = new TempFolder();
        var trial = new TrialSpec(0, 0, 30, new Dictionary<string, double> { ["max_depth"] = 5, ["learning_rate"] = 0.2, ["gamma"] = 0.001 });
        using var model = Refit.Run(data.Train, trial, threads: 2, CancellationToken.None);
        model.SaveJson(folder["model.json"]);

        var rows = 200;
        var lines = Enumerable.Range(0, rows).Select(r => string.Join(",", data.Test!.Row(r).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        File.WriteAllLines(folder["x.csv"], lines);
        var script = """
            import sys, numpy as np, xgboost as xgb
            b = xgb.Booster(model_file=sys.argv[1])
            x = np.loadtxt(sys.argv[2], delimiter=',', dtype=np.float32, ndmin=2)
            for p in b.predict(xgb.DMatrix(x)): print(repr(float(p)))
            """;
        File.WriteAllText(folder["predict.py"], script);

        var (exitCode, stdout, stderr) = await RunAsync(Python, folder["predict.py"], folder["model.json"], folder["x.csv"]);

        Assert.True(exitCode == 0, $"python3 failed (is python3-xgboost installed? apt-get install python3-xgboost python3-numpy): {stderr}");
        var fromPython = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var ours = model.Predict(data.Test!).Take(rows).ToArray();
        Assert.Equal(rows, fromPython.Length);
        for (var i = 0; i < rows; i++)
        {
            Assert.Equal(ours[i], fromPython[i], 6);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
