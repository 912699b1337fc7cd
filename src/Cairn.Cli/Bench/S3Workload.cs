using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cairn.Cli.Bench;

/// <summary>
/// The operations, each done by one worker: putting the working set (untimed), PUT, GET and DELETE.
/// Every worker owns a random payload block (made once) and a read buffer, so an operation allocates
/// only the client's request objects, whatever the size. GET reads only the working set, a fixed
/// number of keys put before the timed phases, so what it reads does not depend on how many objects
/// the PUT phase managed to write.
/// </summary>
public sealed class S3Workload
{
    private const int MaxBlock = 1 << 20;
    private readonly IBenchStore s3;
    private readonly string bucket;
    private readonly long size;
    private readonly string prefix;
    private readonly byte[][] payloads;
    private readonly byte[][] readBuffers;
    private readonly long[] sequence;
    private readonly string[] workingSet;
    private readonly long[] readSequence;
    private readonly ConcurrentDictionary<string, byte> keysRead = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> undeleted = new();
    private long nextToPrefill = -1;

    public S3Workload(IBenchStore s3, string bucket, long size, int workers, int workingSetObjects, string prefix)
    {
        this.s3 = s3;
        this.bucket = bucket;
        this.size = size;
        this.prefix = prefix;
        var block = (int)Math.Clamp(size, 1, MaxBlock);
        payloads = Enumerable.Range(0, workers).Select(_ => RandomNumberGenerator.GetBytes(block)).ToArray();
        readBuffers = Enumerable.Range(0, workers).Select(_ => new byte[Math.Max(block, 64 * 1024)]).ToArray();
        sequence = new long[workers];
        workingSet = Enumerable.Range(0, workingSetObjects).Select(i => $"{prefix}/set/{i:D9}").ToArray();
        // Each worker walks the whole set in its own sequence, starting evenly spread from the others.
        readSequence = Enumerable.Range(0, workers).Select(w => (long)w * workingSetObjects / workers).ToArray();
        Keys = new KeyLedger(workers);
    }

    public KeyLedger Keys { get; }

    /// <summary>How many distinct keys the GET phase has read successfully.</summary>
    public int DistinctKeysRead => keysRead.Count;

    /// <summary>Untimed, before the PUT phase: puts the next working-set object, or null when all are taken.</summary>
    public Task<long?> PutWorkingSetAsync(int worker, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref nextToPrefill) is var i && i < workingSet.Length
            ? PutKeyAsync(worker, workingSet[i], cancellationToken)
            : Task.FromResult<long?>(null);

    public Task<long?> PutAsync(int worker, CancellationToken cancellationToken) =>
        PutKeyAsync(worker, $"{prefix}/w{worker:D3}/{sequence[worker]++:D9}", cancellationToken);

    private async Task<long?> PutKeyAsync(int worker, string key, CancellationToken cancellationToken)
    {
        await s3.PutAsync(bucket, key, new RepeatingPayloadStream(payloads[worker], size), size, cancellationToken).ConfigureAwait(false);
        Keys.Written(worker, key);
        return size;
    }

    /// <summary>Reads the worker's next working-set key (round-robin over the set, cycling).</summary>
    public async Task<long?> GetAsync(int worker, CancellationToken cancellationToken)
    {
        var key = workingSet[readSequence[worker]++ % workingSet.Length];
        var bytes = await s3.GetAsync(bucket, key, readBuffers[worker], size, cancellationToken).ConfigureAwait(false);
        // A lock-free lookup first: after the first pass over the set every key is already there.
        if (!keysRead.ContainsKey(key)) keysRead.TryAdd(key, 0);
        return bytes;
    }

    public async Task<long?> DeleteAsync(int worker, CancellationToken cancellationToken)
    {
        var key = Keys.NextToDelete();
        if (key is null) return null;
        try
        {
            await s3.DeleteAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            undeleted.Enqueue(key);
            throw;
        }
        return 0;
    }

    /// <summary>Unmeasured: deletes what the DELETE phase did not reach or failed to delete, so the bucket is left empty.</summary>
    public async Task<int> DeleteLeftoversAsync(int workers)
    {
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while ((Keys.NextToDelete() ?? (undeleted.TryDequeue(out var k) ? k : null)) is { } key)
            {
                try
                {
                    await s3.DeleteAsync(bucket, key, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or BenchRequestFailed or HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }))).ConfigureAwait(false);
        return failures;
    }
}
