using System.Diagnostics;
using Amazon.S3;

namespace Cairn.Cli.Bench;

/// <summary>One operation by worker <c>worker</c>: the bytes moved, or null when there is no more work. Throws on failure.</summary>
public delegate Task<long?> BenchOperation(int worker, CancellationToken cancellationToken);

/// <summary>
/// Runs <c>concurrency</c> closed-loop workers that start operations until the duration has passed
/// (operations already started are finished and counted) or the work runs out. With
/// <see cref="Timeout.InfiniteTimeSpan"/> they run until the work runs out.
/// </summary>
public static class PhaseRunner
{
    public static async Task<(TimeSpan Elapsed, LatencySummary Latency)> RunAsync(
        int concurrency, TimeSpan duration, BenchOperation operation, PhaseCounters counters, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var deadline = duration == Timeout.InfiniteTimeSpan ? long.MaxValue : started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var samples = new List<long>[concurrency];
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = samples[w] = new List<long>(4096);
            while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            {
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    var bytes = await operation(w, cancellationToken).ConfigureAwait(false);
                    if (bytes is null) break;
                    mine.Add(Stopwatch.GetTimestamp() - t0);
                    counters.Succeeded(bytes.Value);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    counters.Failed(Describe(e));
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(started), LatencySummary.From(samples.Where(s => s is not null)));
    }

    public static string Describe(Exception e) => e switch
    {
        AmazonS3Exception s3 => $"{(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
        BenchRequestFailed failed => failed.Message,
        _ when e.InnerException is { } inner && e is not InvalidDataException => $"{e.GetType().Name}: {e.Message} ({inner.GetType().Name}: {inner.Message})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
