using System.Collections.Concurrent;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// Three nodes whose wall clocks are twenty minutes apart (n2 ten minutes ahead, n3 ten behind, `--clock-offset`): every
/// node answers the same, versions order by when they were applied, a DeleteBucket racing PUTs through the node ahead ends
/// all or nothing, no node is marked down, and the linearizability checker finds a total order for clients on all three.
/// </summary>
public sealed class ClockSkewTests(ITestOutputHelper output)
{
    private const string Race = "clock-race";

    [Fact]
    public async Task Nodes_with_clocks_twenty_minutes_apart_agree_and_a_bucket_delete_racing_writes_is_all_or_nothing()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3,
            nodeArguments: id => id switch { "n2" => ["--clock-offset", "10m"], "n3" => ["--clock-offset", "-10m"], _ => [] });
        var n1 = cluster.Nodes[0];
        var clients = cluster.Nodes.Select(n => cluster.Client(n)).ToArray();

        // The checker's clients, spread over the three nodes, run while the rest of the test does.
        var endpoints = string.Join(',', cluster.Nodes.Select(n => n.Server.Endpoint));
        var checker = ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "check", "linearizability", "--endpoints", endpoints, "--duration", "15s", "--clients", "6", "--keys", "4", "--request-timeout", "10s"),
            TimeSpan.FromMinutes(3));

        await WritesAgreeThroughEveryNodeAsync(clients);
        await VersionsOrderByApplyNotByClockAsync(clients);

        // The race's bucket spans two ranges, so its delete closes both before it deletes either.
        await clients[0].PutBucketAsync(Race);
        await n1.Server.AdminAsync("cluster", "split", "--bucket", Race, "--key", "m");
        await clients[0].DeleteBucketAsync(Race);
        var outcomes = new List<string>();
        for (var round = 0; round < 8; round++)
            outcomes.Add(await DeleteRacingWritesAsync(clients, writer: clients[1], deleter: clients[round % 2 == 0 ? 0 : 2], round));
        output.WriteLine($"deletes racing PUTs through n2: {string.Join(", ", outcomes)}");

        var check = await checker;
        output.WriteLine(check.Stdout);
        Assert.True(check.ExitCode == 0, $"the checker did not find the history linearizable: {check}\n{cluster.Logs()}");
        Assert.Contains("verdict: linearizable", check.Stdout);

        // Heartbeats carry their sender's clock; none of it may make a node look silent.
        foreach (var node in cluster.Nodes)
        {
            var status = await cluster.StatusAsync(node);
            Assert.All(status.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("Up", n.GetProperty("state").GetString()));
        }
        Assert.DoesNotContain("marked down", cluster.Logs());
    }

    /// <summary>A key written through each node reads back, lists and deletes the same through every node.</summary>
    private static async Task WritesAgreeThroughEveryNodeAsync(AmazonS3Client[] clients)
    {
        var bucket = ServerFixture.NewBucketName("skew");
        await clients[1].PutBucketAsync(bucket);
        for (var i = 0; i < clients.Length; i++)
            await clients[i].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", ContentBody = $"through n{i + 1}" });
        foreach (var client in clients)
        {
            for (var i = 0; i < clients.Length; i++)
            {
                using var get = await client.GetObjectAsync(bucket, $"k{i}");
                Assert.Equal($"through n{i + 1}", await new StreamReader(get.ResponseStream).ReadToEndAsync());
            }
            Assert.Equal(["k0", "k1", "k2"], (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key));
        }
        await clients[2].DeleteObjectAsync(bucket, "k1");
        foreach (var client in clients)
        {
            var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectMetadataAsync(bucket, "k1"));
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(["k0", "k2"], (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key));
        }
    }

    /// <summary>A version written through the node ahead, then one through the node behind: the later one is current everywhere.</summary>
    private static async Task VersionsOrderByApplyNotByClockAsync(AmazonS3Client[] clients)
    {
        var bucket = ServerFixture.NewBucketName("skew-versions");
        await clients[0].PutBucketAsync(bucket);
        await clients[0].PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var ahead = await clients[1].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first, ten minutes ahead" });
        var behind = await clients[2].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second, ten minutes behind" });
        foreach (var client in clients)
        {
            using var get = await client.GetObjectAsync(bucket, "k");
            Assert.Equal("second, ten minutes behind", await new StreamReader(get.ResponseStream).ReadToEndAsync());
            var versions = (await client.ListVersionsAsync(bucket)).Versions;
            Assert.Equal([behind.VersionId, ahead.VersionId], versions.Select(v => v.VersionId));
            Assert.True(versions[0].IsLatest);
        }
    }

    /// <summary>
    /// One round: PUTs through <paramref name="writer"/> (the node ahead) into both ranges of the empty bucket while
    /// <paramref name="deleter"/> deletes it. Either the bucket is gone through every node and no PUT was acknowledged, or it
    /// is there through every node with every acknowledged object, and both ranges take writes.
    /// </summary>
    private static async Task<string> DeleteRacingWritesAsync(AmazonS3Client[] clients, AmazonS3Client writer, AmazonS3Client deleter, int round)
    {
        await CreateAsync(clients[0]);
        var acknowledged = new ConcurrentBag<string>();
        var refusals = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        Task[] StartWriters() => Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"{(i % 2 == 0 ? "a" : "z")}{round}-{w}-{i}"; // "a…" in the first range, "z…" past the split at "m"
                try
                {
                    await writer.PutObjectAsync(new PutObjectRequest { BucketName = Race, Key = key, ContentBody = key });
                    acknowledged.Add(key);
                }
                catch (AmazonS3Exception e) when (e.ErrorCode is "OperationAborted" or "NoSuchBucket")
                {
                    refusals.Add(e.ErrorCode);
                }
            }
        })).ToArray();
        async Task<string> DeleteAsync()
        {
            try
            {
                await deleter.DeleteBucketAsync(Race);
                return "deleted";
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketNotEmpty" or "OperationAborted")
            {
                return e.ErrorCode;
            }
        }

        // The PUTs start a little before the delete in even rounds (it then meets an object) and a little after it in odd
        // ones (they then meet its closing, or the bucket gone).
        Task[] writers;
        Task<string> delete;
        if (round % 2 == 0)
        {
            writers = StartWriters();
            await Task.Delay(Random.Shared.Next(0, 10));
            delete = DeleteAsync();
        }
        else
        {
            delete = DeleteAsync();
            await Task.Delay(Random.Shared.Next(0, 30));
            writers = StartWriters();
        }
        var outcome = await delete;
        await Task.Delay(50); // a few more PUTs meet the outcome
        stop.Cancel();
        await Task.WhenAll(writers);

        if (outcome == "deleted")
        {
            Assert.Empty(acknowledged);
            foreach (var client in clients)
            {
                Assert.Equal("NoSuchBucket", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Race }))).ErrorCode);
                foreach (var key in new[] { "a-after", "z-after" })
                    Assert.Equal("NoSuchBucket", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
                        client.PutObjectAsync(new PutObjectRequest { BucketName = Race, Key = key, ContentBody = "late" }))).ErrorCode);
            }
            return $"{outcome}({refusals.Count} refused)";
        }

        var expected = acknowledged.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < clients.Length; i++)
        {
            var listed = await ListAllAsync(clients[i]);
            Assert.True(expected.IsSubsetOf(listed), $"round {round}: n{i + 1} lists {listed.Count} keys, missing some of the {expected.Count} acknowledged");
            foreach (var key in new[] { $"a-after-{i}", $"z-after-{i}" })
                await clients[i].PutObjectAsync(new PutObjectRequest { BucketName = Race, Key = key, ContentBody = "late" });
        }
        var all = await ListAllAsync(clients[0]);
        foreach (var client in clients) Assert.Equal(all, await ListAllAsync(client));
        foreach (var key in all) await clients[0].DeleteObjectAsync(Race, key);
        await RetryAsync(() => clients[0].DeleteBucketAsync(Race));
        return $"{outcome}({expected.Count} kept, {refusals.Count} refused)";
    }

    private static async Task<SortedSet<string>> ListAllAsync(AmazonS3Client client)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = Race };
        while (true)
        {
            var page = await client.ListObjectsV2Async(request);
            foreach (var o in page.S3Objects ?? []) keys.Add(o.Key);
            if (page.IsTruncated != true) return keys;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private static async Task CreateAsync(AmazonS3Client client)
    {
        try
        {
            await RetryAsync(() => client.PutBucketAsync(Race));
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // An attempt whose answer was lost had created it.
        }
    }

    /// <summary>A bucket call that may meet the tail of the previous round (OperationAborted), or a leader being elected.</summary>
    private static async Task RetryAsync(Func<Task> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (AmazonS3Exception e) when (attempt < 20 && e.ErrorCode is "OperationAborted" or "ServiceUnavailable")
            {
                await Task.Delay(100);
            }
        }
    }
}
