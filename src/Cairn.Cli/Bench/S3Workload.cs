using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Cairn.Cli.Bench;

/// <summary>
/// The three operations, each done by one worker. Every worker owns a random payload block (made once)
/// and a read buffer, so an operation allocates only the SDK's request objects, whatever the size.
/// </summary>
public sealed class S3Workload
{
    private const int MaxBlock = 1 << 20;
    private readonly IAmazonS3 s3;
    private readonly string bucket;
    private readonly long size;
    private readonly string prefix;
    private readonly byte[][] payloads;
    private readonly byte[][] readBuffers;
    private readonly long[] sequence;
    private readonly ConcurrentQueue<string> undeleted = new();

    public S3Workload(IAmazonS3 s3, string bucket, long size, int workers, string prefix)
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
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = new RepeatingPayloadStream(payloads[worker], size),
            ContentType = "application/octet-stream",
        }, cancellationToken).ConfigureAwait(false);
        Keys.Written(worker, key);
        return size;
    }

    public async Task<long?> GetAsync(int worker, CancellationToken cancellationToken)
    {
        var key = Keys.NextToRead();
        if (key is null) return null;
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        var buffer = readBuffers[worker];
        long total = 0;
        int n;
        while ((n = await response.ResponseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0) total += n;
        if (total != size || response.ContentLength != size)
            throw new InvalidDataException($"GET {key}: {total} bytes read (Content-Length {response.ContentLength}), expected {size}");
        return total;
    }

    public async Task<long?> DeleteAsync(int worker, CancellationToken cancellationToken)
    {
        var key = Keys.NextToDelete();
        if (key is null) return null;
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
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
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }))).ConfigureAwait(false);
        return failures;
    }
}
