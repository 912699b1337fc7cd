using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Cairn.Cli.Bench;

/// <summary>
/// The three operations, each done by one worker. Every worker owns a random payload block (made once)
/// and a read buffer, so an operation allocates only the client's request objects, whatever the size.
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
    private readonly ConcurrentQueue<string> undeleted = new();

    public S3Workload(IBenchStore s3, string bucket, long size, int workers, string prefix)
    {
        this.s3 = s3;
        this.bucket = bucket;
        this.size = size;
        this.prefix = prefix;
        var block = (int)Math.Clamp(size, 1, MaxBlock);
        payloads = Enumerable.Range(0, workers).Select(_ => RandomNumberGenerator.GetBytes(block)).ToArray();
        readBuffers = Enumerable.Range(0, workers).Select(_ => new byte[Math.Max(block, 64 * 1024)]).ToArray();
        sequence = new long[workers];
        Keys = new KeyLedger(workers);
    }

    public KeyLedger Keys { get; }

    public async Task<long?> PutAsync(int worker, CancellationToken cancellationToken)
    {
        var key = $"{prefix}/w{worker:D3}/{sequence[worker]++:D9}";
        await s3.PutAsync(bucket, key, new RepeatingPayloadStream(payloads[worker], size), size, cancellationToken).ConfigureAwait(false);
        Keys.Written(worker, key);
        return size;
    }

    public async Task<long?> GetAsync(int worker, CancellationToken cancellationToken)
    {
        var key = Keys.NextToRead();
        if (key is null) return null;
        return await s3.GetAsync(bucket, key, readBuffers[worker], size, cancellationToken).ConfigureAwait(false);
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
