using Burst.Training.Native;
using Burst.Training.Search;

namespace Burst.Training.Tests.Native;

public sealed class OpenMpTests
{
    [Fact]
    public void Work_runs_on_a_thread_of_its_own_and_its_result_or_exception_comes_back()
    {
        var caller = Environment.CurrentManagedThreadId;
        Assert.NotEqual(caller, OpenMp.OnOwnThread(() => Environment.CurrentManagedThreadId));
        var error = Assert.Throws<InvalidOperationException>(() => OpenMp.OnOwnThread<int>(() => throw new InvalidOperationException("from the native thread")));
        Assert.Equal("from the native thread", error.Message);
    }

    [Fact]
    public async Task A_refit_on_two_threads_leaves_no_openmp_team_behind()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var data = await Census.LoadAsync();
        var trial = new TrialSpec(0, 0, 5, new Dictionary<string, double> { ["max_depth"] = 3, ["n_estimators"] = 5 });

        // libgomp's team threads take the name of the thread that started them. Run from a caller with a
        // name of its own, and still alive when it looks, a team started on the caller would show under its name.
        var callersNamesakes = -1;
        var caller = new Thread(() =>
        {
            using var model = Refit.Run(data.Train, trial, threads: 2, CancellationToken.None);
            Assert.Equal(data.Test!.Rows, model.Predict(data.Test!).Length);
            callersNamesakes = ThreadsNamed("refit-caller");
        })
        { Name = "refit-caller" };
        caller.Start();
        caller.Join();
        Assert.Equal(1, callersNamesakes);

        // The team ran under the thread made for it ("xgboost"), and ended shortly after it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ThreadsNamed("xgboost") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, ThreadsNamed("xgboost"));
    }

    private static int ThreadsNamed(string name) =>
        Directory.EnumerateDirectories("/proc/self/task").Count(task =>
        {
            try
            {
                return File.ReadAllText(Path.Combine(task, "comm")).Trim() == name;
            }
            catch (IOException)
            {
                return false; // the thread ended while being looked at
            }
        });
}
