using System.Diagnostics;
using Cairn.Checking.History;

namespace Cairn.Checking.Workload;

/// <summary>
/// Records a history against real endpoints: creates a fresh unversioned bucket, runs the clients concurrently, then
/// removes what it wrote and the bucket.
/// </summary>
public static class WorkloadRun
{
    public static async Task<WorkloadRecord> RecordAsync(WorkloadSettings settings, CancellationToken cancellationToken)
    {
        // Each client its own connection pool of one connection: whether a failed call may have been sent before
        // (see WorkloadClient) then depends on that client's own calls alone.
        var pools = Enumerable.Range(0, settings.Clients + 1).Select(_ => NewHttpClient()).ToList();
        using var _ = new Disposables(pools);
        var admin = new S3Connection(pools[^1], settings.Endpoints[0], settings.Credentials, settings.Region);
        var bucket = $"cairn-lin-{Guid.NewGuid():N}"[..30];

        var created = await admin.CreateBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        if (!created.Is(200)) throw new WorkloadFailed($"could not create bucket {bucket} at {admin.Endpoint}: {created}");

        var etags = new ETagBook();
        var seeds = new Random(settings.Seed);
        var clients = Enumerable.Range(0, settings.Clients)
            .Select(i => new WorkloadClient(i, new S3Connection(pools[i], settings.Endpoints[i % settings.Endpoints.Count], settings.Credentials, settings.Region),
                bucket, settings, etags, new Random(seeds.Next())))
            .ToList();
        var started = Stopwatch.GetTimestamp();
        var until = started + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        try
        {
            await Task.WhenAll(clients.Select(c => Task.Run(() => c.RunAsync(until, cancellationToken), CancellationToken.None))).ConfigureAwait(false);
        }
        finally
        {
            await CleanUpAsync(admin, bucket, settings.KeyNames).ConfigureAwait(false);
        }

        var operations = clients
            .SelectMany(c => c.Recorded.Select((o, i) => c.Listings.TryGetValue(i, out var listed) ? o with { Result = Resolve(listed, etags) } : o))
            .OrderBy(o => o.Invoked)
            .Select((o, i) => o with { Id = i })
            .ToList();
        return new WorkloadRecord(new OperationHistory(operations, settings.KeyNames), bucket, started, Stopwatch.GetElapsedTime(started), clients.Sum(c => c.Refused));
    }

    private static HttpClient NewHttpClient() => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        AllowAutoRedirect = false,
        UseProxy = false,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    private sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }

    private static OperationResult Resolve(IReadOnlyDictionary<string, string> listed, ETagBook etags) =>
        OperationResult.Listing(listed.ToDictionary(p => p.Key, p => etags.ValueOf(p.Value), StringComparer.Ordinal));

    /// <summary>Best effort: a bucket left behind on a failing endpoint must not hide the run's result.</summary>
    private static async Task CleanUpAsync(S3Connection admin, string bucket, IReadOnlyList<string> keys)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            foreach (var key in keys) await admin.DeleteAsync(bucket, key, null, timeout.Token).ConfigureAwait(false);
            await admin.DeleteBucketAsync(bucket, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
        }
    }
}

/// <param name="Started">The Stopwatch timestamp the clients started at: the origin of the times a report prints.</param>
/// <param name="Refused">Calls that made no connection (a node down): they reached no server and are not in the history.</param>
public sealed record WorkloadRecord(OperationHistory History, string Bucket, long Started, TimeSpan Elapsed, int Refused = 0);

/// <summary>The run could not start: the endpoint refused the bucket (credentials, address).</summary>
public sealed class WorkloadFailed(string message) : Exception(message);
