using System.Security.Cryptography;
using Amazon.S3.Model;
using Cairn.Placement;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// kill -9 of a node that holds fragments: every object still reads byte-exact through the survivors; once the
/// meta group marks the node down, repair rebuilds the lost fragments onto the survivors' drives by itself (full redundancy again, checked from the layouts in the
/// index), and the node, started again, rejoins and serves the same store; spread-back then puts every stripe back on the spread
/// placement wants (the returned node's drives hold fragments again) and no stale or doubled fragment is left on any drive.
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

        // Spread-back: each stripe has as many fragments on each node as a fresh placement with every node up would put there
        // (never more than m = 2), so the returned node holds fragments again where placement wants them.
        var placement = FreshPlacement(await cluster.StatusAsync(leader));
        await EventuallyAsync(async () => await SpreadAsPlacementWantsAsync(leader, bucket, bodies.Keys, placement), TimeSpan.FromSeconds(90),
            "a stripe still crowds a node beyond what placement wants");
        Assert.True(await HoldsFragmentsAsync(leader, bucket, bodies.Keys, victimDrives), "the returned node holds no fragment");
        // Stale fragments on the returned node and the old copies on the survivors are gone: the drives hold exactly what the layouts name.
        // (Spread-back's copies overwrite most stale files in place, so the owner's log is what shows the stale ones were judged and deleted.)
        await EventuallyAsync(() => Task.FromResult(cluster.Nodes.Any(n => System.Text.RegularExpressions.Regex.IsMatch(n.Server.Log, @"Spread-back deleted [1-9][0-9]* stale fragments"))),
            TimeSpan.FromSeconds(30), "spread-back deleted no stale fragment of the returned node");
        var named = 0;
        foreach (var key in bodies.Keys)
            named += (await leader.Server.AdminAsync("layout", "--bucket", bucket, "--key", key)).GetProperty("blobs").EnumerateArray().Sum(b => b.GetProperty("drives").GetArrayLength());
        await EventuallyAsync(async () => (await leader.Server.AdminAsync("drives")).EnumerateArray().Sum(d => d.GetProperty("fragments").GetInt64()) == named,
            TimeSpan.FromSeconds(30), "the drives hold other fragments than the layouts name (stale or old copies left)");
        foreach (var (key, body) in bodies) Assert.Equal(body, await ReadAsync(cluster, victim, bucket, key));
    }

    /// <summary>Placement as the cluster computes it, every drive up: a drive's domain is its node's path and its id, protection at node level.</summary>
    private static (RendezvousPlacement Placement, int NodeLevel) FreshPlacement(System.Text.Json.JsonElement status)
    {
        var drives = new List<DriveEntry>();
        var level = 0;
        foreach (var node in status.GetProperty("nodes").EnumerateArray())
        {
            var domain = node.GetProperty("domain").GetString()!;
            level = domain.Split('/').Length - 1;
            drives.AddRange(node.GetProperty("drives").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).Select(id => new DriveEntry(id, $"{domain}/{id}")));
        }
        return (new RendezvousPlacement(drives, level), level);
    }

    private static async Task<bool> SpreadAsPlacementWantsAsync(ClusterNodeProcess via, string bucket, IEnumerable<string> keys, (RendezvousPlacement Placement, int NodeLevel) fresh)
    {
        foreach (var key in keys)
        {
            foreach (var blob in (await via.Server.AdminAsync("layout", "--bucket", bucket, "--key", key)).GetProperty("blobs").EnumerateArray())
            {
                var drives = blob.GetProperty("drives").EnumerateArray().Select(d => d.GetString()!).ToArray();
                var wanted = fresh.Placement.Place(blob.GetProperty("blobId").GetString()!, blob.GetProperty("dataFragments").GetInt32(), blob.GetProperty("parityFragments").GetInt32());
                var perNode = PerNode(drives, fresh.Placement);
                Assert.True(perNode.Values.Max() <= blob.GetProperty("parityFragments").GetInt32(), $"{key}: more than m fragments on one node");
                if (!perNode.OrderBy(p => p.Key).SequenceEqual(PerNode(wanted, fresh.Placement).OrderBy(p => p.Key))) return false;
            }
        }
        return true;
    }

    private static Dictionary<string, int> PerNode(IEnumerable<string> drives, RendezvousPlacement placement) =>
        drives.GroupBy(placement.FailureDomain).ToDictionary(g => g.Key, g => g.Count());

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
