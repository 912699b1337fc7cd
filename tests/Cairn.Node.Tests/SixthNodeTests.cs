using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using static Cairn.Node.Tests.ClusterViews;

namespace Cairn.Node.Tests;

/// <summary>
/// The meta group stays at five members however many nodes there are: a sixth node joins, is admitted and serves, its
/// heartbeats and map going through the members (it follows the map, <c>MetaReplica.Following</c>). When a member is
/// drained, the meta group adds the sixth node before it lets the leaving one go, and the drained node then follows the
/// map through the members in turn: it sees its own removal.
/// </summary>
public sealed class SixthNodeTests
{
    [Fact]
    public async Task A_sixth_node_follows_the_meta_group_and_takes_a_drained_members_place_in_it()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(5, ["--down-after", "5s"]);
        var n1 = cluster["n1"];
        var bucket = ServerFixture.NewBucketName("six");
        using (var client = cluster.Client(n1)) await client.PutBucketAsync(bucket);

        var n6 = await JoinAndAdmitAsync(cluster, "n6");

        // It serves both ways, and stays up past several --down-after periods: its heartbeats reach the meta group.
        using var viaN6 = cluster.Client(n6, c => c.MaxErrorRetry = 4);
        var body = RandomNumberGenerator.GetBytes(120_000);
        await viaN6.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "from-n6", InputStream = new MemoryStream(body) });
        using (var viaN1 = cluster.Client(n1)) Assert.Equal(body, await ReadAsync(viaN1, bucket, "from-n6"));
        await Task.Delay(TimeSpan.FromSeconds(12));
        var status = await cluster.StatusAsync(n1);
        Assert.Equal("Up", State(status, "n6"));
        Assert.False(MetaMember(status, "n6"), "the meta group grew past five members");
        Assert.Equal(5, status.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("metaMember").GetBoolean()));
        // n6's own view of the map is the members' (it sees a key written through n1 at once, and n1's state).
        using (var viaN1 = cluster.Client(n1))
            await viaN1.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "from-n1", InputStream = new MemoryStream(body) });
        Assert.Equal(body, await ReadAsync(viaN6, bucket, "from-n1"));
        Assert.Equal("Up", State(await cluster.StatusAsync(n6), "n1"));

        // Drain n1: the meta group adds n6 first, then lets n1 go once n1 holds no replica.
        await n1.Server.AdminAsync("cluster", "drain", "n1");
        var n2 = cluster["n2"];
        var after = await WaitForAsync(cluster, n2, s => MetaMember(s, "n6") && !MetaMember(s, "n1") && Replicas(s, "n1") == 0, "n6 in the meta group, n1 out",
            TimeSpan.FromSeconds(150));
        Assert.Equal(5, after.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("metaMember").GetBoolean()));
        // The drained node, outside the group now, still learns the map through the members: it sees itself out of it.
        await WaitForAsync(cluster, n1, s => !MetaMember(s, "n1") && MetaMember(s, "n6"), "n1 seeing its own removal from the meta group");
        Assert.Equal(body, await ReadAsync(viaN6, bucket, "from-n6"));
    }
}
