using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using static Cairn.Node.Tests.ClusterRanges;

namespace Cairn.Node.Tests;

/// <summary>
/// Ranges merge: an operator merges two halves of a bucket while clients write to both, and every write acknowledged
/// before, during and after reads back through every node, listings across the old boundary are complete and ordered,
/// and each node deleted its replica of the range merged away; two small cold ranges merge by themselves.
/// </summary>
public sealed class RangeMergeTests
{
    [Fact]
    public async Task An_operator_merge_under_concurrent_writes_loses_no_acknowledged_write_and_leaves_one_range()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--split-objects", "0", "--split-rate", "0", "--merge-objects", "0"]);
        var clients = cluster.Nodes.Select(n => cluster.Client(n)).ToArray();
        var bucket = ServerFixture.NewBucketName("merge");
        await clients[0].PutBucketAsync(bucket);
        var acked = new ConcurrentDictionary<string, byte[]>();
        // Keys on both sides of the split point "m"; every fifth large enough to be an erasure-coded blob (references in the range).
        for (var i = 0; i < 20; i++)
            foreach (var side in new[] { "a", "n" })
                acked[$"{side}{i:D3}"] = await PutAsync(clients[i % 3], bucket, $"{side}{i:D3}", RandomNumberGenerator.GetBytes(i % 5 == 0 ? 100_000 + i : 300 + i));

        var split = await cluster.Nodes[0].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "m");
        var right = split.GetProperty("range").GetString()!;
        await WaitForRangesAsync(cluster, 2, TimeSpan.FromSeconds(30));
        for (var i = 20; i < 30; i++)
            foreach (var side in new[] { "a", "n" })
                acked[$"{side}{i:D3}"] = await PutAsync(clients[i % 3], bucket, $"{side}{i:D3}", RandomNumberGenerator.GetBytes(200 + i));

        // Writers through every node on keys of both halves while the merge runs; a write is recorded once acknowledged.
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var written = 0;
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"{(w % 2 == 0 ? "b" : "r")}-w{w}-{i:D4}";
                try
                {
                    acked[key] = await PutAsync(clients[w % 3], bucket, key, RandomNumberGenerator.GetBytes(64 + i % 50));
                    Interlocked.Increment(ref written);
                }
                catch (AmazonS3Exception e)
                {
                    failures.Enqueue($"{key}: {e.StatusCode} {e.ErrorCode} {e.Message}");
                }
            }
        })).ToList();
        await Task.Delay(1000);
        var before = written;
        var merged = await cluster.Nodes[1].Server.AdminAsync("cluster", "merge", "--bucket", bucket, "--key", "a000");
        var during = written - before;
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.Equal("g1", merged.GetProperty("range").GetString());
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)) + "\n" + cluster.Logs());
        Assert.True(written - before > during, "no write was acknowledged after the merge");
        var ranges = await WaitForRangesAsync(cluster, v => v.Count == 1, "not one range", TimeSpan.FromSeconds(30));
        Assert.Equal("g1", ranges[0].Group);
        Assert.Null(ranges[0].End);

        // Every acknowledged write through every node; one listing across the old boundary, complete and in order.
        foreach (var client in clients) await ReadBackAsync(client, bucket, acked);
        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await clients[2].ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 33, ContinuationToken = token });
            listed.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(acked.Keys.Order(StringComparer.Ordinal), listed);

        // The former right half takes new writes, and deletes reach its old keys; its replica is gone from every node.
        var after = await PutAsync(clients[2], bucket, "z-after", "after"u8.ToArray());
        await clients[0].DeleteObjectAsync(bucket, "n000");
        foreach (var client in clients)
        {
            await ReadBackAsync(client, bucket, new Dictionary<string, byte[]> { ["z-after"] = after });
            var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectMetadataAsync(bucket, "n000"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        }
        foreach (var node in cluster.Nodes)
            await WaitForAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(node.Server.DataPath, "ranges", right))), TimeSpan.FromSeconds(10),
                $"{node.Id} still holds its replica of {right}");

        // A merge of the last range has nothing to merge with: 400, not a 500.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Nodes[0].Server.AdminAsync("cluster", "merge", "--bucket", bucket, "--key", "z"));
        Assert.Contains("InvalidArgument", refused.Message);
    }

    [Fact]
    public async Task Two_small_cold_ranges_merge_by_themselves()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3,
            ["--split-objects", "0", "--split-rate", "0", "--merge-objects", "50", "--merge-rate", "5", "--split-check-interval", "1s"]);
        var client = cluster.Client(cluster.Nodes[0]);
        var bucket = ServerFixture.NewBucketName("cold");
        await client.PutBucketAsync(bucket);
        var acked = new Dictionary<string, byte[]>();
        foreach (var key in new[] { "a", "b", "x", "y" }) acked[key] = await PutAsync(client, bucket, key, RandomNumberGenerator.GetBytes(100));
        // A split the merger may undo: an operator's split stays by default (RangeMapTests, and NodeDrainTests keeps three ranges).
        await cluster.Nodes[0].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "m", "--mergeable");

        // Two ranges of two objects each, written to no more: they merge back within a few checks.
        await WaitForRangesAsync(cluster, v => v.Count == 1, "the cold ranges never merged", TimeSpan.FromSeconds(45));
        Assert.Contains("are cold: merging", cluster.Logs());
        foreach (var node in cluster.Nodes) await ReadBackAsync(cluster.Client(node), bucket, acked);
    }

    private static async Task<byte[]> PutAsync(IAmazonS3 client, string bucket, string key, byte[] body)
    {
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
        return body;
    }
}
