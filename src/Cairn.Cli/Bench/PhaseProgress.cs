using Spectre.Console;

namespace Cairn.Cli.Bench;

/// <summary>Shows a running phase: a live Spectre progress bar on a terminal, one line on stderr otherwise.</summary>
public abstract class PhaseProgress
{
    public abstract Task<T> ShowAsync<T>(string name, TimeSpan duration, PhaseCounters counters, Func<Task<T>> run);

    public static PhaseProgress For(bool json) =>
        json ? new Silent() : !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive ? new Live() : new Plain();

    private sealed class Silent : PhaseProgress
    {
        public override Task<T> ShowAsync<T>(string name, TimeSpan duration, PhaseCounters counters, Func<Task<T>> run) => run();
    }

    private sealed class Plain : PhaseProgress
    {
        public override Task<T> ShowAsync<T>(string name, TimeSpan duration, PhaseCounters counters, Func<Task<T>> run)
        {
            Console.Error.WriteLine($"{name}: running for up to {duration.TotalSeconds:0.###}s…");
            return run();
        }
    }

    private sealed class Live : PhaseProgress
    {
        public override Task<T> ShowAsync<T>(string name, TimeSpan duration, PhaseCounters counters, Func<Task<T>> run) =>
            AnsiConsole.Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(name, maxValue: duration.TotalSeconds);
                    var running = run();
                    while (!running.IsCompleted)
                    {
                        await Task.WhenAny(running, Task.Delay(250)).ConfigureAwait(false);
                        var seconds = Math.Max(counters.Elapsed.TotalSeconds, 1e-3);
                        task.Value = Math.Min(seconds, duration.TotalSeconds);
                        task.Description = $"{name,-6} {counters.Ops / seconds,10:0.0} ops/s {counters.Bytes / 1048576.0 / seconds,9:0.0} MiB/s  "
                            + (counters.Errors > 0 ? $"[red]{counters.Errors} errors[/]" : "0 errors");
                    }
                    task.Value = task.MaxValue;
                    return await running.ConfigureAwait(false);
                });
    }
}
