using System.Security.Cryptography;
using Amazon.S3.Model;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// kill -9 of a node that holds fragments: every object still reads byte-exact through the survivors, repair
/// rebuilds the lost fragments onto the survivors' drives (full redundancy again, checked from the layouts in the
/// index), and the node, started again, rejoins and serves the same store.
/// </summary>
public sealed class StorageNodeLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_killed_node_loses_no_object_repair_restores_redundancy_on_the_survivors_and_the_node_rejoins()
    {
        // Three nodes of two drives, 2+2 at node level: at most two fragments of a stripe on one node.
        await using var cluster = await LocalClusterProcesses.StartAsync(3, ["--ec", "2+2", "--scrub-interval", "0"], drivesPerNode: 2);
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

        var repair = await leader.Server.AdminAsync("repair");
        output.WriteLine(repair.ToString());
        Assert.True(repair.GetProperty("fragmentsRebuilt").GetInt64() > 0, repair.ToString());
        Assert.Equal(0, repair.GetProperty("blobsLeftDegraded").GetInt64());
        Assert.Equal(0, repair.GetProperty("blobsUnrepairable").GetInt64());
        Assert.False(await HoldsFragmentsAsync(leader, bucket, bodies.Keys, victimDrives), "a layout still names a drive of the dead node");
        foreach (var (key, body) in bodies) Assert.Equal(body, await ReadAsync(cluster, leader, bucket, key));

        // The node returns: it catches up on the index and serves every object.
        await victim.Server.RestartAsync();
        foreach (var (key, body) in bodies) Assert.Equal(body, await ReadAsync(cluster, victim, bucket, key));
        var status = await cluster.StatusAsync(victim);
        Assert.NotNull(status.GetProperty("ranges")[0].GetProperty("leader").GetString());
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
