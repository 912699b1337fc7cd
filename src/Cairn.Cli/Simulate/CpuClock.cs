using System.Diagnostics;

namespace Cairn.Cli.Simulate;

/// <summary>
/// Times one-threaded work by the CPU time this process spends on it, which other work on a shared machine does not
/// inflate (wall time does). The process clock ticks coarsely (10 ms on Linux), so the work is repeated until it has
/// used at least <c>minimum</c> of CPU, after as long a warm-up (the JIT's tiers settle, caches fill) and a full garbage
/// collection (so that no collection of earlier garbage is charged to it); the least of three such rounds is reported,
/// per repetition.
/// </summary>
public static class CpuClock
{
    public static (TimeSpan Cpu, TimeSpan Wall, int Repetitions) PerRepetition(Action<int> work, TimeSpan minimum, int maxRepetitions = 1_000_000)
    {
        using var process = Process.GetCurrentProcess();
        var warm = Stopwatch.StartNew();
        var n = 0;
        do work(n++);
        while (warm.Elapsed < minimum && n < maxRepetitions);
        (TimeSpan Cpu, TimeSpan Wall, int Repetitions) best = (TimeSpan.MaxValue, TimeSpan.MaxValue, 0);
        for (var round = 0; round < 3; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var repetitions = 0;
            TimeSpan used;
            do
            {
                work(n++);
                repetitions++;
                process.Refresh();
                used = process.TotalProcessorTime - cpu;
            }
            while (used < minimum && repetitions < maxRepetitions);
            if (used / repetitions < best.Cpu) best = (used / repetitions, clock.Elapsed / repetitions, repetitions);
        }
        return best;
    }
}
