using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Cairn.Checking.Workload;

namespace Cairn.Checking.Campaign;

/// <summary>What a writer was told about one key: its body's hash and length, or that it was deleted.</summary>
/// <param name="Sha256">The acknowledged body's hash; null once a DELETE of the key was acknowledged.</param>
/// <param name="PutUncertain">A PUT attempt of the key failed without an answer (or with a 5xx): it may still apply late.</param>
public sealed record AcknowledgedObject(byte[]? Sha256, int Length, bool PutUncertain);

/// <summary>
/// The durability half of a campaign: writers PUT fresh keys with random bodies (1 B to 1 MiB, so both inline and
/// erasure-coded objects) and DELETE every fourth one again, each call retried on the next node until some node
/// acknowledges it — as an SDK with retries would. Every acknowledged write and delete is remembered for the
/// durability check, and the longest time a call took from its first try to its acknowledgement is the unavailability
/// a client saw.
/// </summary>
public sealed class AcknowledgedWrites(CampaignCluster cluster, string bucket, int writers, int seed)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, AcknowledgedObject> objects = new(StringComparer.Ordinal);
    private long longestUnavailableTicks;
    private int gaveUp;
    private int deletes;

    public IReadOnlyDictionary<string, AcknowledgedObject> Objects => objects;

    public string Bucket => bucket;

    public int Deletes => deletes;

    /// <summary>Calls no node acknowledged within <see cref="GiveUpAfter"/>: a client would have seen an error.</summary>
    public int GaveUp => gaveUp;

    public TimeSpan LongestUnavailable => TimeSpan.FromTicks(Interlocked.Read(ref longestUnavailableTicks));

    public async Task RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var seeds = new Random(seed);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => WriteAsync(w, new Random(seeds.Next()), until, cancellationToken))).ConfigureAwait(false);
    }

    private async Task WriteAsync(int writer, Random random, long until, CancellationToken cancellationToken)
    {
        using var http = NewHttpClient();
        var written = new List<string>();
        for (var n = 0; Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested; n++)
        {
            var key = $"dur/w{writer}/{n:D6}";
            var body = RandomNumberGenerator.GetBytes(Size(random));
            var (answered, uncertain) = await CallAsync(http, writer + n, (c, t) => c.PutBytesAsync(bucket, key, body, t), 200, cancellationToken)
                .ConfigureAwait(false);
            if (answered) objects[key] = new AcknowledgedObject(SHA256.HashData(body), body.Length, uncertain);
            else continue;
            written.Add(key);
            if (n % 4 != 3) continue;
            var victim = written[random.Next(written.Count)];
            if (objects[victim].Sha256 is null) continue;
            var (deleted, _) = await CallAsync(http, writer + n, (c, t) => c.DeleteAsync(bucket, victim, null, t), 204, cancellationToken).ConfigureAwait(false);
            if (!deleted) continue;
            objects[victim] = objects[victim] with { Sha256 = null };
            Interlocked.Increment(ref deletes);
        }
    }

    /// <summary>Mostly small bodies (index-inline or one stripe), some large ones.</summary>
    private static int Size(Random random) => random.Next(20) switch
    {
        < 14 => random.Next(1, 16 * 1024),
        < 19 => random.Next(16 * 1024, 256 * 1024),
        _ => random.Next(256 * 1024, 1024 * 1024),
    };

    /// <summary>
    /// Tries node after node until one answers <paramref name="expected"/>. False when none did in time or one gave
    /// another answer (a 4xx: no retry makes it right). Uncertain when an attempt may have been applied unanswered.
    /// </summary>
    private async Task<(bool Answered, bool Uncertain)> CallAsync(HttpClient http, int start, Func<S3Connection, CancellationToken, Task<S3Answer>> call, int expected,
        CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        var uncertain = false;
        for (var attempt = 0; Stopwatch.GetElapsedTime(began) < GiveUpAfter && !cancellationToken.IsCancellationRequested; attempt++)
        {
            var node = cluster.Nodes[(start + attempt) % cluster.Nodes.Count];
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AttemptTimeout);
                var answer = await call(cluster.Connection(node, http), timeout.Token).ConfigureAwait(false);
                if (answer.Status == expected || expected == 204 && answer.Status == 200)
                {
                    // From the first try to the acknowledgement: a call held through a partition and answered at the heal counts too.
                    Unavailable(Stopwatch.GetElapsedTime(began));
                    return (true, uncertain);
                }
                if (answer.Status < 500) return (false, uncertain);
                uncertain = true;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // A refused connection reached no node; anything else may have been applied.
                uncertain |= e is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        Interlocked.Increment(ref gaveUp);
        return (false, true);
    }

    private void Unavailable(TimeSpan gap)
    {
        for (var seen = Interlocked.Read(ref longestUnavailableTicks); gap.Ticks > seen; seen = Interlocked.Read(ref longestUnavailableTicks))
            if (Interlocked.CompareExchange(ref longestUnavailableTicks, gap.Ticks, seen) == seen) return;
    }

    internal static HttpClient NewHttpClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 2, UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };
}
