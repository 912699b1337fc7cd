namespace Cairn.Cli.Bench;

/// <summary>The outcome of a whole run.</summary>
public sealed record BenchResult(BenchSettings Settings, string Bucket, IReadOnlyList<PhaseResult> Phases, MemoryReport? Memory)
{
    public long TotalErrors => Phases.Sum(p => p.Errors);
}

/// <summary>The probed process's RSS: the sampled maximum during the run, and the kernel's lifetime peak.</summary>
public sealed record MemoryReport(int Pid, int Samples, long MaxRssBytes, long? PeakRssBytes);
