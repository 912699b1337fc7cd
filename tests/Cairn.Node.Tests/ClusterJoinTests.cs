using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using static Cairn.Node.Tests.ClusterViews;

namespace Cairn.Node.Tests;

/// <summary>
/// A fourth node joins a running three-node cluster whose key space was already split: it waits as joining and
/// serves nothing until an operator admits it, then becomes a member of the meta group and, the cluster keeping four
/// replicas of each range (`--range-replicas 4`), of every range (a split-born range included, started from a
/// member's checkpoint) and serves S3 like the others; with four members a range keeps its quorum when one of the
/// first three is killed.
/// </summary>
public sealed class ClusterJoinTests
{
    [Fact]
    public async Task Join_a_running_cluster_then_admit_the_node_and_it_serves_every_range()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--range-replicas", "4"]);
        var n1 = cluster["n1"];
        var bucket = ServerFixture.NewBucketName("join");
        var written = new Dictionary<string, byte[]>();
        using (var client = cluster.Client(n1))
        {
            await client.PutBucketAsync(bucket);
            for (var i = 0; i < 24; i++)
            {
                var key = $"k{i:D2}";
                written[key] = RandomNumberGenerator.GetBytes(i % 4 == 0 ? 300_000 : 1_000 + i);
                await cluster.Client(cluster.Nodes[i % 3]).PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(written[key]) });
            }
        }
        // A split-born range: its replicas started from a store made at the split, not from its log.
        await n1.Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "k12");

        // A node whose id is taken is refused at once, with the reason on stderr.
        var twin = cluster.Joining("n2");
        await using (twin.Server)
        {
            twin.Server.Launch();
            Assert.Equal(1, await twin.Server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("Node id n2 is already taken", twin.Server.Log);
        }

        var n4 = cluster.LaunchJoining("n4");
        var joining = await WaitForAsync(cluster, n1, s => State(s, "n4") == "Joining", "n4 joining");
        Assert.All(joining.GetProperty("ranges").EnumerateArray(), r => Assert.DoesNotContain("n4", Members(r)));
        await WaitUntilAsync(() => n4.Server.Log.Contains("cairn admin cluster admit n4"), "the admit command in n4's log");
        Assert.False(await IsReadyAsync(n4), "a joining node is not ready before it is admitted");

        var admitted = await n1.Server.AdminAsync("cluster", "admit", "n4");
        Assert.Equal("Up", admitted.GetProperty("state").GetString());
        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => n1.Server.AdminAsync("cluster", "admit", "n4"));
        Assert.Contains("not joining", again.Message);

        await n4.Server.WaitReadyAsync(TimeSpan.FromSeconds(120));
        var status = await cluster.StatusAsync(n4);
        Assert.Equal(2, status.GetProperty("ranges").GetArrayLength());
        Assert.All(status.GetProperty("ranges").EnumerateArray(), r => Assert.Contains("n4", Members(r)));
        Assert.Equal("Up", State(status, "n4"));

        // Everything written before reads back through n4, and its listing is complete.
        using var viaN4 = cluster.Client(n4, c => c.MaxErrorRetry = 3);
        foreach (var (key, body) in written) Assert.Equal(body, await ReadAsync(viaN4, bucket, key));
        Assert.Equal(written.Keys.Order(StringComparer.Ordinal), await ListAsync(viaN4, bucket, 7));

        // A write through n4 reads back at once through every other node.
        var fresh = RandomNumberGenerator.GetBytes(400_000);
        await viaN4.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k99-from-n4", InputStream = new MemoryStream(fresh) });
        foreach (var node in cluster.Nodes.Take(3))
        {
            using var other = cluster.Client(node);
            Assert.Equal(fresh, await ReadAsync(other, bucket, "k99-from-n4"));
        }
        var seenByN1 = await WaitForAsync(cluster, n1, s => s.GetProperty("ranges").EnumerateArray().All(r => Members(r).Contains("n4")), "n1 sees n4 in every range");
        Assert.Equal("Up", State(seenByN1, "n4"));

        // Four members: a quorum of three survives the loss of one of the first nodes.
        cluster["n3"].Server.Kill();
        var afterLoss = RandomNumberGenerator.GetBytes(5_000);
        await RetryAsync(() => viaN4.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k00", InputStream = new MemoryStream(afterLoss) }));
        await RetryAsync(() => viaN4.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k20", InputStream = new MemoryStream(afterLoss) }));
        using var viaN1 = cluster.Client(n1, c => c.MaxErrorRetry = 3);
        Assert.Equal(afterLoss, await ReadAsync(viaN1, bucket, "k00"));
        Assert.Equal(afterLoss, await ReadAsync(viaN1, bucket, "k20"));

        // n3 returns; then the joined node itself restarts after kill -9 (from its own data, as a member) and serves again.
        await cluster["n3"].Server.RestartAsync();
        await cluster["n3"].Server.WaitReadyAsync(TimeSpan.FromSeconds(120));
        await n4.Server.RestartAsync();
        await n4.Server.WaitReadyAsync(TimeSpan.FromSeconds(120));
        using var viaRestartedN4 = cluster.Client(n4, c => c.MaxErrorRetry = 3);
        Assert.Equal(afterLoss, await ReadAsync(viaRestartedN4, bucket, "k00"));
        Assert.Equal(fresh, await ReadAsync(viaRestartedN4, bucket, "k99-from-n4"));
        var late = RandomNumberGenerator.GetBytes(3_000);
        await RetryAsync(() => viaRestartedN4.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k21", InputStream = new MemoryStream(late) }));
        Assert.Equal(late, await ReadAsync(viaN1, bucket, "k21"));
    }

    private static async Task<bool> IsReadyAsync(ClusterNodeProcess node)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return (await http.GetAsync($"{node.Server.Endpoint}/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited in vain for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>A write right after a kill may meet an election (a range led by the killed node): retried for a few seconds.</summary>
    private static async Task RetryAsync(Func<Task> write)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                await write();
                return;
            }
            catch (AmazonS3Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
