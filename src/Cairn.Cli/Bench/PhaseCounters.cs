using System.Diagnostics;

namespace Cairn.Cli.Bench;

/// <summary>Live, thread-safe totals of a running phase, read by the progress display.</summary>
public sealed class PhaseCounters
{
    private long ops;
    private long bytes;
    private long errors;
    private readonly long started = Stopwatch.GetTimestamp();

    public long Ops => Interlocked.Read(ref ops);
    public long Bytes => Interlocked.Read(ref bytes);
    public long Errors => Interlocked.Read(ref errors);
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(started);
    public string? FirstError { get; private set; }

    public void Succeeded(long byteCount)
    {
        Interlocked.Increment(ref ops);
        Interlocked.Add(ref bytes, byteCount);
    }

    public void Failed(string message)
    {
        if (Interlocked.Increment(ref errors) == 1) FirstError = message;
    }
}
