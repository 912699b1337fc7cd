using System.Security.Cryptography;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// kill -9 of a node that holds fragments: every object still reads byte-exact through the survivors; once the
/// meta group marks the node down, repair rebuilds the lost fragments onto the survivors' drives by itself (full redundancy again, checked from the layouts in the
/// index), and the node, started again, rejoins and serves the same store.
/// </summary>
public sealed class StorageNodeLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_node_loses_no_object_repair_restores_redundancy_on_the_survivors_and_the_node_rejoins()
    {
        // Three nodes of two drives, 2+2 at node level: at most two fragments of a stripe on one node.
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--ec", "2+2", "--scrub-interval", "0", "--down-after", "3s"], drivesPerNode: 2);
        var leader = await cluster.LeaderAsync();
        var victim = cluster.Nodes.First(n => n != leader);
        var bucket = ServerFixture.NewBucketName("loss");
        var client = cluster.Client(leader);
        await client.PutBucketAsync(bucket);
        var bodies = new Dictionary<string, byte[]>();
        for (var i = 0; i < 12; i++)
        {
            var body = RandomNumberGenerator.GetBytes(i % 3 == 0 ? 3 * 1024 * 1024 + i : 50_000 + i);
            bodies[$"k{i}"] = body;
            await cluster.Client(cluster.Nodes[i % 3]).PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(body) });
        }
        var victimDrives = (await cluster.StatusAsync(leader)).GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("id").GetString() == victim.Id).GetProperty("drives").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToHashSet();
        Assert.True(await HoldsFragmentsAsync(leader, bucket, bodies.Keys, victimDrives), "the victim held no fragment: nothing would be tested");

        victim.Server.Kill();
        foreach (var node in cluster.Running)
            foreach (var (key, body) in bodies)
                Assert.Equal(body, await ReadAsync(cluster, node, bucket, key));

        // No heartbeat for 3 s: the meta group marks the node down, and the range leader repairs by itself.
        var lost = System.Diagnostics.Stopwatch.StartNew();
        await EventuallyAsync(async () => NodeState(await cluster.StatusAsync(leader), victim.Id) == "Down", TimeSpan.FromSeconds(30), "the node was not marked down");
        var work = (await cluster.StatusAsync(leader)).GetProperty("work");
        Assert.Equal(victimDrives.Order(), work.GetProperty("drivesToRepairFrom").EnumerateArray().Select(d => d.GetString()!).Order());
        await EventuallyAsync(async () => !await HoldsFragmentsAsync(leader, bucket, bodies.Keys, victimDrives), TimeSpan.FromSeconds(60),
            "a layout still names a drive of the dead node");
        output.WriteLine($"full redundancy on the survivors {lost.Elapsed.TotalSeconds:F1} s after the kill");
        var durability = await leader.Server.AdminAsync("durability");
        output.WriteLine(durability.ToString());
        foreach (var (key, body) in bodies) Assert.Equal(body, await ReadAsync(cluster, leader, bucket, key));

        // The node returns: it catches up on the index and serves every object.
        await victim.Server.RestartAsync();
        foreach (var (key, body) in bodies) Assert.Equal(body, await ReadAsync(cluster, victim, bucket, key));
        var status = await cluster.StatusAsync(victim);
        Assert.NotNull(status.GetProperty("ranges")[0].GetProperty("leader").GetString());
        await EventuallyAsync(async () => NodeState(await cluster.StatusAsync(leader), victim.Id) == "Up", TimeSpan.FromSeconds(30), "the node did not come back up");
    }

    private static string? NodeState(System.Text.Json.JsonElement status, string node) =>
        status.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == node).GetProperty("state").GetString();

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(250);
        }
    }

    private static async Task<bool> HoldsFragmentsAsync(ClusterNodeProcess via, string bucket, IEnumerable<string> keys, IReadOnlySet<string> drives)
    {
        foreach (var key in keys)
        {
            var layout = await via.Server.AdminAsync("layout", "--bucket", bucket, "--key", key);
            foreach (var blob in layout.GetProperty("blobs").EnumerateArray())
                if (blob.GetProperty("drives").EnumerateArray().Any(d => drives.Contains(d.GetString()!))) return true;
        }
        return false;
    }

    private static async Task<byte[]> ReadAsync(LocalClusterProcesses cluster, ClusterNodeProcess node, string bucket, string key)
    {
        using var get = await cluster.Client(node).GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
