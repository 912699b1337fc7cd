using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using static Cairn.Node.Tests.ClusterRanges;

namespace Cairn.Node.Tests;

/// <summary>
/// Ranges split while clients write and list through every node: a range past its object limit splits by itself,
/// an operator splits others during the load, no request fails, every listing taken meanwhile is complete and in
/// order, and every acknowledged write reads back afterwards through every node. A node down during a split, which
/// then catches up by snapshot, runs its replica of the new range like the others.
/// </summary>
public sealed class RangeSplitTests
{
    private const int Keys = 200;

    [Fact]
    public async Task Ranges_split_under_load_without_failing_a_request_and_listings_stay_complete_and_ordered()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--split-objects", "150"]);
        var clients = cluster.Nodes.Select(n => cluster.Client(n, c => c.MaxErrorRetry = 0)).ToArray();
        var bucket = ServerFixture.NewBucketName("split");
        await clients[0].PutBucketAsync(bucket);
        var names = Enumerable.Range(0, Keys).Select(i => $"k{i:D3}").ToArray();
        var acked = new ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
        {
            var body = RandomNumberGenerator.GetBytes(32);
            await clients[key.GetHashCode() & 1].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) }, ct);
            acked[key] = body;
        });

        // More than 150 objects in the one range: the owner of the background work splits it at its middle key.
        var ranges = await WaitForRangesAsync(cluster, 2, TimeSpan.FromSeconds(60));
        Assert.Equal(["", $"{bucket}|k100"], ranges.Select(r => r.Start).Take(2).Select(s => s.Length == 0 ? "" : s[^(bucket.Length + 5)..]));

        // Load through every node while an operator splits twice more; no retries are allowed, so any failed request fails the test.
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var listings = 0;
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var client = clients[w % clients.Length];
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                var key = names[random.Next(Keys)];
                var body = RandomNumberGenerator.GetBytes(32);
                try
                {
                    if (random.Next(4) == 0)
                    {
                        using var get = await client.GetObjectAsync(bucket, key);
                        continue;
                    }
                    // One writer per key at a time would be needed to know the last value: each writer owns its keys.
                    if (Array.IndexOf(names, key) % 6 != w) continue;
                    await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
                    acked[key] = body;
                }
                catch (Exception e)
                {
                    failures.Enqueue($"writer {w} {key}: {e.Message}");
                }
            }
        })).ToList();
        var listers = Enumerable.Range(0, 2).Select(l => Task.Run(async () =>
        {
            var client = clients[(l + 1) % clients.Length];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var listed = new List<string>();
                    string? token = null;
                    do
                    {
                        var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 37, ContinuationToken = token });
                        listed.AddRange(page.S3Objects.Select(o => o.Key));
                        token = page.IsTruncated == true ? page.NextContinuationToken : null;
                    }
                    while (token is not null);
                    if (!listed.SequenceEqual(names)) failures.Enqueue($"lister {l}: {listed.Count} keys, first wrong at {FirstDifference(listed, names)}");
                    Interlocked.Increment(ref listings);
                }
                catch (Exception e)
                {
                    failures.Enqueue($"lister {l}: {e.Message}");
                }
            }
        })).ToList();

        await Task.Delay(2000);
        var left = await cluster.Nodes[1].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "k050");
        await Task.Delay(2000);
        var right = await cluster.Nodes[2].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "k150");
        await Task.Delay(3000);
        await stop.CancelAsync();
        await Task.WhenAll(writers.Concat(listers));

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(20)) + "\n" + cluster.Logs());
        Assert.True(listings >= 3, $"only {listings} complete listings ran during the splits");
        Assert.NotEqual(left.GetProperty("range").GetString(), right.GetProperty("range").GetString());

        // Four ranges, contiguous, each with a leader every node agrees on; every acknowledged write reads back through every node.
        ranges = await WaitForRangesAsync(cluster, 4, TimeSpan.FromSeconds(30));
        for (var i = 1; i < ranges.Count; i++) Assert.Equal(ranges[i - 1].End, ranges[i].Start);
        // Leadership spreads: no node leads more than its share of the four ranges (two) for long.
        await WaitForAsync(async () => (await WaitForRangesAsync(cluster, 4, TimeSpan.FromSeconds(30))).CountBy(r => r.Leader ?? "").All(c => c.Value <= 2),
            TimeSpan.FromSeconds(60), "leadership never spread to at most two ranges per node");
        foreach (var client in clients) await ReadBackAsync(client, bucket, acked);

        // A bucket command reaches every range of the bucket: versioning turned on through one node versions keys of the last range.
        await clients[0].PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        foreach (var key in new[] { "k010", "k199" })
        {
            for (var i = 0; i < 2; i++) await clients[1].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = $"v{i}" });
            var versions = await clients[2].ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key });
            Assert.Equal(3, versions.Versions.Count); // the unversioned "null" one and two new ones
        }
        acked["k010"] = "v1"u8.ToArray();
        acked["k199"] = "v1"u8.ToArray();

        // A node killed after the splits restarts on its four ranges' stores and logs and serves every key.
        var restarted = cluster.Nodes[2];
        restarted.Server.Kill();
        await restarted.Server.RestartAsync();
        await ReadBackAsync(cluster.Client(restarted), bucket, acked);
        var listing = await cluster.Client(restarted).ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(names, listing.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task A_range_busy_with_writes_splits_at_the_median_key_written_and_a_quiet_one_does_not()
    {
        // Splits by size are off: only the write rate can split here.
        await using var cluster = await LocalClusterProcesses.StartAsync(3,
            ["--split-objects", "0", "--split-rate", "40", "--split-check-interval", "2s"]);
        var clients = cluster.Nodes.Select(n => cluster.Client(n)).ToArray();
        var bucket = ServerFixture.NewBucketName("busy");
        await clients[0].PutBucketAsync(bucket);

        // Quiet: a few writes a second, for more than two checks, split nothing.
        for (var i = 0; i < 20; i++)
        {
            await clients[i % 3].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"a{i:D2}", ContentBody = "cold" });
            await Task.Delay(400);
        }
        Assert.Single(await WaitForRangesAsync(cluster, 1, TimeSpan.FromSeconds(30)));

        // Busy: writers through every node on the keys h00..h39, until the range splits.
        var hot = Enumerable.Range(0, 40).Select(i => $"h{i:D2}").ToArray();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await clients[w % 3].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = hot[random.Next(hot.Length)], ContentBody = "hot" }, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        })).ToList();
        IReadOnlyList<RangeView> ranges;
        try
        {
            ranges = await WaitForRangesAsync(cluster, 2, TimeSpan.FromSeconds(90));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        // Cut near the middle of the keys written (h20), not at the middle of the keys stored (a00..a19 and h00..h39: h10).
        // Both halves may still be busy and split again before every node shows the same map (a slow machine sees
        // three or four ranges here): the first split made the lowest-numbered new group, whichever half split next.
        var first = ranges.Skip(1).MinBy(r => long.Parse(r.Group.AsSpan(1)))!;
        var start = first.Start[^3..];
        Assert.True(string.CompareOrdinal(start, "h13") >= 0 && string.CompareOrdinal(start, "h27") <= 0,
            $"first split at {first.Start} ({string.Join("; ", ranges)})");
        Assert.Contains("splitting it at the median key written", cluster.Logs());
        foreach (var key in hot.Append("a00"))
        {
            using var get = await clients[1].GetObjectAsync(bucket, key);
        }
    }

    [Fact]
    public async Task A_bucket_over_two_ranges_is_deleted_in_both_or_in_neither()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--split-objects", "0", "--split-rate", "0"]);
        var clients = cluster.Nodes.Select(n => cluster.Client(n)).ToArray();
        var bucket = ServerFixture.NewBucketName("del");
        await clients[0].PutBucketAsync(bucket);
        await cluster.Nodes[0].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "m");
        await WaitForRangesAsync(cluster, 2, TimeSpan.FromSeconds(30));

        // An object only in the first range: refused, and the second range still takes writes (it must not have dropped its copy).
        await clients[0].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a" });
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => clients[1].DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", refused.ErrorCode);
        await clients[2].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "z", ContentBody = "z" });

        // An object only in the second range: refused, and the first range takes writes again (reopened).
        await clients[0].DeleteObjectAsync(bucket, "a");
        refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => clients[2].DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", refused.ErrorCode);
        await clients[1].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "b" });
        foreach (var client in clients) await client.GetObjectMetadataAsync(bucket, "z");

        // Both ranges empty: deleted in both, seen so through every node.
        await clients[0].DeleteObjectAsync(bucket, "b");
        await clients[0].DeleteObjectAsync(bucket, "z");
        await clients[1].DeleteBucketAsync(bucket);
        foreach (var (client, key) in clients.Zip(["a", "z", "y"]))
        {
            var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" }));
            Assert.Equal("NoSuchBucket", missing.ErrorCode);
        }
        Assert.DoesNotContain(bucket, (await clients[2].ListBucketsAsync()).Buckets?.Select(b => b.BucketName) ?? []);
    }

    /// <summary>
    /// Each range's background work runs on its leader alone: with the two halves of a bucket led by different nodes,
    /// every node's admin view names the ranges it tends — each range once, by its leader — and an expiration rule
    /// empties both halves, the expired objects' bytes freed from every node's drives.
    /// </summary>
    [Fact]
    public async Task Each_range_s_lifecycle_and_free_queue_run_on_its_own_leader()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3,
            ["--split-objects", "0", "--split-rate", "0", "--day-seconds", "0.5", "--gc-grace", "00:00:01", "--gc-interval", "00:00:01"]);
        var clients = cluster.Nodes.Select(n => cluster.Client(n)).ToArray();
        var bucket = ServerFixture.NewBucketName("tend");
        await clients[0].PutBucketAsync(bucket);
        await cluster.Nodes[0].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "m");
        await WaitForAsync(async () => (await WaitForRangesAsync(cluster, 2, TimeSpan.FromSeconds(30))).Select(r => r.Leader).Distinct().Count() == 2,
            TimeSpan.FromSeconds(60), "the two ranges never had different leaders");

        var ranges = await WaitForRangesAsync(cluster, 2, TimeSpan.FromSeconds(30));
        var tended = new List<(string Node, string Range)>();
        foreach (var node in cluster.Nodes)
            foreach (var range in (await cluster.StatusAsync(node)).GetProperty("work").GetProperty("rangesTended").EnumerateArray())
                tended.Add((node.Id, range.GetString()!));
        Assert.Equal(ranges.Select(r => (r.Leader!, r.Group)).Order(), tended.Order());

        var keys = new[] { "a1", "b2", "c3", "x1", "y2", "z3" };
        for (var i = 0; i < keys.Length; i++)
            await clients[i % 3].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = keys[i], InputStream = new MemoryStream(new byte[100 * 1024]) });
        Assert.True(cluster.Nodes.Sum(n => n.Server.FragmentFiles()) > 0, "the objects' bytes are not in fragment files");
        using (var http = new SignedHttp(cluster.Nodes[1].Server))
        {
            var rule = """
                <LifecycleConfiguration><Rule><ID>expire</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>
                """;
            var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", SignedHttp.Xml(rule));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        await WaitForAsync(async () => ((await clients[2].ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Count == 0,
            TimeSpan.FromSeconds(60), "the objects of both ranges never expired");
        await WaitForAsync(() => Task.FromResult(cluster.Nodes.Sum(n => n.Server.FragmentFiles()) == 0), TimeSpan.FromSeconds(60),
            "the expired objects' bytes were never freed");
    }

    /// <summary>
    /// n3 is killed, a range splits, and the range's log is cut past the split before n3 returns: n3 catches up on the
    /// range it split from by snapshot (a store already narrowed), so it never applies the split. It must still run a
    /// replica of the new range, or that range keeps two of its three replicas and dies with the next loss. It does:
    /// with another node then killed, the new range's keys read back and take new writes through n3.
    /// </summary>
    [Fact]
    public async Task A_node_down_during_a_split_and_caught_up_by_snapshot_runs_the_new_range_which_survives_another_loss()
    {
        // A snapshot every 50 entries: the logs are cut past the split after some 100 more entries.
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--split-objects", "0", "--split-rate", "0", "--raft-snapshot-interval", "50"]);
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        var bucket = ServerFixture.NewBucketName("catchup");
        using var viaN1 = cluster.Client(n1, c => c.MaxErrorRetry = 3);
        await viaN1.PutBucketAsync(bucket);
        // Keys on both sides of the split point "m": a few large enough to be erasure-coded blobs on every node, the rest inline in the index.
        var acked = new Dictionary<string, byte[]>();
        for (var i = 0; i < 12; i++)
            foreach (var side in new[] { "a", "n" })
                acked[$"{side}{i:D3}"] = await PutAsync(viaN1, bucket, $"{side}{i:D3}", RandomNumberGenerator.GetBytes(i % 4 == 0 ? 100_000 + i : 500 + i));

        n3.Server.Kill();
        var split = await n1.Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "m");
        var newRange = split.GetProperty("range").GetString()!;
        // Both survivors run the new range once they applied the split: the split entry is at or below the parent's applied index then.
        await WaitForAsync(async () => (await RangeOnAsync(cluster, n1, newRange)).Applied is not null && (await RangeOnAsync(cluster, n2, newRange)).Applied is not null,
            TimeSpan.FromSeconds(30), $"n1 and n2 did not both start {newRange}");
        var splitAt = long.Max((await RangeOnAsync(cluster, n1, "g1")).Applied!.Value, (await RangeOnAsync(cluster, n2, "g1")).Applied!.Value);

        // Writes (one entry each, sent one at a time) until both survivors' snapshots of g1 are past the split: whichever
        // leads when n3 returns has cut its log there and sends n3 a snapshot. Some go to the new range, which n3 never saw.
        for (var i = 0; ; i++)
        {
            if (i % 20 == 0 && (await RangeOnAsync(cluster, n1, "g1")).Snapshot > splitAt && (await RangeOnAsync(cluster, n2, "g1")).Snapshot > splitAt) break;
            Assert.True(i < 1000, $"g1's snapshots did not pass the split at {splitAt} after {i} writes\n{cluster.Logs()}");
            var key = i % 5 == 0 ? $"n-while-down-{i:D4}" : $"a-while-down-{i:D4}";
            acked[key] = await PutAsync(viaN1, bucket, key, RandomNumberGenerator.GetBytes(200 + i % 7));
        }

        await n3.Server.RestartAsync();
        await WaitForAsync(async () => (await RangeOnAsync(cluster, n3, newRange)).Applied is not null, TimeSpan.FromSeconds(60),
            $"n3 runs no replica of {newRange} 60 s after it returned");

        // Two of three replicas must be n3's and one other: kill the other node leading the new range (or n1 if n3 leads it).
        var leader = (await RangeOnAsync(cluster, n3, newRange)).Leader;
        var (killed, survivor) = leader == "n2" ? (n2, n1) : (n1, n2);
        killed.Server.Kill();
        using var viaN3 = cluster.Client(n3, c => c.MaxErrorRetry = 3);
        var inNewRange = acked.Where(a => a.Key.StartsWith('n')).ToDictionary();
        await RetryAsync(() => ReadBackAsync(viaN3, bucket, inNewRange));
        var after = new Dictionary<string, byte[]>();
        for (var i = 0; i < 5; i++)
            after[$"n-after-loss-{i}"] = await RetryAsync(() => PutAsync(viaN3, bucket, $"n-after-loss-{i}", RandomNumberGenerator.GetBytes(300 + i)));
        await ReadBackAsync(viaN3, bucket, after);
        using var viaSurvivor = cluster.Client(survivor, c => c.MaxErrorRetry = 3);
        await RetryAsync(() => ReadBackAsync(viaSurvivor, bucket, after));
    }

    private static async Task<byte[]> PutAsync(IAmazonS3 client, string bucket, string key, byte[] body)
    {
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
        return body;
    }

    /// <summary>A range as one node reports it: this node's applied and snapshot index (null when it runs no replica, or the range is not in its map yet) and the leader it sees.</summary>
    private static async Task<(long? Applied, long? Snapshot, string? Leader)> RangeOnAsync(LocalClusterProcesses cluster, ClusterNodeProcess via, string group)
    {
        var range = (await cluster.StatusAsync(via)).GetProperty("ranges").EnumerateArray().FirstOrDefault(r => r.GetProperty("group").GetString() == group);
        if (range.ValueKind != JsonValueKind.Object) return (null, null, null); // a map from before the split
        return (Number(range, "appliedIndex"), Number(range, "snapshotIndex"),
            range.TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null);
    }

    private static long? Number(JsonElement range, string name) =>
        range.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;

    /// <summary>A request right after a kill may meet an election (a range led by the killed node): retried for a while.</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> request)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await request();
            }
            catch (AmazonS3Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static Task RetryAsync(Func<Task> request) => RetryAsync(async () =>
    {
        await request();
        return true;
    });

    private static int FirstDifference(IReadOnlyList<string> listed, IReadOnlyList<string> expected)
    {
        var i = 0;
        while (i < listed.Count && i < expected.Count && listed[i] == expected[i]) i++;
        return i;
    }
}
