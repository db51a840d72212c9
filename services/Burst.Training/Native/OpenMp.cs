using System.Runtime.ExceptionServices;

namespace Burst.Training.Native;

/// <summary>
/// Where XGBoost's multi-threaded work runs. libgomp, its OpenMP runtime, keeps a team of threads for
/// every native thread that ever ran a parallel region, for as long as that thread lives; and once the
/// process holds more OpenMP threads than cores, every team stops spinning between parallel regions and
/// sleeps on a futex instead. A fit on 2 threads then waits for the kernel at every tree level: it ran
/// slower than a fit on 1 thread (0.60 s against 0.28 s a trial on census-configs-20), and the refit
/// barely gained from its second core. So the multi-threaded work that is not a fit worker's (the fold
/// matrices, the refit, the final predictions) runs on a thread of its own that ends with it, and takes
/// its team along. The fit workers are dedicated threads that end with their run.
/// </summary>
internal static class OpenMp
{
    public static T OnOwnThread<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = "xgboost",
        };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }
}
