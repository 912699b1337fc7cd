using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.System.Tests;

/// <summary>
/// kill -9 of a real server in the middle of concurrent uploads, repeatedly: every acknowledged
/// object must read back byte-exact after restart, no partial object may ever be visible, and
/// the bytes of uploads that died are reclaimed by the GC.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Rounds = 5;
    private const int Uploaders = 8;

    [Fact]
    public async Task Acknowledged_uploads_survive_kill_9_and_orphans_are_reclaimed()
    {
        await using var server = await ServerProcess.StartAsync("--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        var bucket = "crash";
        using (var s3 = server.Client()) await s3.PutBucketAsync(bucket);
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var attempted = new ConcurrentDictionary<string, byte[]>();
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);

        for (var round = 0; round < Rounds; round++)
        {
            using var s3 = server.Client(c => c.Timeout = TimeSpan.FromSeconds(30));
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, Uploaders).Select(w => UploadUntilKilledAsync(s3, bucket, round, w, acknowledged, attempted, stop.Token)).ToArray();
            await Task.Delay(300 + random.Next(700));
            server.Kill();
            stop.Cancel();
            await Task.WhenAll(workers);
            await server.StartProcessAsync();
            await VerifyAsync(server, bucket, acknowledged, attempted);
        }
        output.WriteLine($"{acknowledged.Count} acknowledged of {attempted.Count} attempted uploads");
        Assert.True(acknowledged.Count > Rounds, "the test must acknowledge uploads before each kill to mean anything");

        // Orphans (fragments of uploads killed before their commit) must be freed by the GC.
        using (var s3 = server.Client())
        {
            var blobBacked = 0;
            await foreach (var o in ListAllAsync(s3, bucket))
                if (o.Size > 16 * 1024) blobBacked++;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            int fragments;
            while ((fragments = server.FragmentFiles()) != blobBacked && DateTime.UtcNow < deadline) await Task.Delay(250);
            Assert.Equal(blobBacked, fragments);
        }
    }

    private static async Task UploadUntilKilledAsync(AmazonS3Client s3, string bucket, int round, int worker,
        ConcurrentDictionary<string, byte[]> acknowledged, ConcurrentDictionary<string, byte[]> attempted, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"r{round}/w{worker}/{i}";
            var body = Body(key);
            attempted[key] = MD5.HashData(body);
            try
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
                acknowledged[key] = MD5.HashData(body);
            }
            catch (Exception)
            {
                return; // the server died under this upload
            }
        }
    }

    /// <summary>
    /// Deterministic content from the key: sizes from tiny (inline) to a few MiB (blob, direct writes past
    /// 2 MiB) and past 8 MiB (the drive's background flushes run while the server is killed).
    /// </summary>
    private static byte[] Body(string key)
    {
        var rng = new Random(BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(key))));
        var size = rng.Next(5) switch
        {
            0 => rng.Next(0, 2000),
            1 => rng.Next(10_000, 20_000),
            2 => rng.Next(100_000, 400_000),
            3 => rng.Next(1_000_000, 3_000_000),
            _ => rng.Next(9_000_000, 12_000_000),
        };
        var body = new byte[size];
        rng.NextBytes(body);
        return body;
    }

    private static async Task VerifyAsync(ServerProcess server, string bucket, ConcurrentDictionary<string, byte[]> acknowledged, ConcurrentDictionary<string, byte[]> attempted)
    {
        using var s3 = server.Client();
        foreach (var (key, md5) in acknowledged)
        {
            using var get = await s3.GetObjectAsync(bucket, key);
            using var m = new MemoryStream();
            await get.ResponseStream.CopyToAsync(m);
            Assert.True(md5.AsSpan().SequenceEqual(MD5.HashData(m.ToArray())), $"acknowledged object {key} changed after kill -9");
        }
        // Whatever is listed must be a whole object that was really sent: never a partial one.
        await foreach (var o in ListAllAsync(s3, bucket))
        {
            Assert.True(attempted.TryGetValue(o.Key, out var expected), $"unexpected key {o.Key}");
            using var get = await s3.GetObjectAsync(bucket, o.Key);
            using var m = new MemoryStream();
            await get.ResponseStream.CopyToAsync(m);
            Assert.True(expected.AsSpan().SequenceEqual(MD5.HashData(m.ToArray())), $"object {o.Key} is visible but not whole");
        }
    }

    private static async IAsyncEnumerable<S3Object> ListAllAsync(AmazonS3Client s3, string bucket)
    {
        var request = new ListObjectsV2Request { BucketName = bucket };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            foreach (var o in page.S3Objects ?? []) yield return o;
            if (page.IsTruncated != true) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

}
