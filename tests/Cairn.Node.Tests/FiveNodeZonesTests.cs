using System.Security.Cryptography;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>
/// Five nodes in three zones, 3+2 protected at zone level: no zone may hold more than two fragments of a stripe,
/// so losing any one zone loses no object. Checked from the layouts the index records, for objects written
/// through every node.
/// </summary>
public sealed class FiveNodeZonesTests
{
    private static readonly string[] Zones = ["", "zone-a/rack1", "zone-a/rack2", "zone-b/rack1", "zone-b/rack2", "zone-c/rack1"];

    [Fact]
    public async Task Placement_never_puts_more_than_the_parity_count_of_a_stripe_in_one_zone()
    {
        await using var cluster = await LocalClusterProcesses.StartAsync(5, ["--ec", "3+2", "--protection-level", "zone"], i => Zones[i]);
        var status = await cluster.StatusAsync(cluster.Nodes[0]);
        var zoneOfDrive = status.GetProperty("nodes").EnumerateArray()
            .SelectMany(n => n.GetProperty("drives").EnumerateArray().Select(d => (Drive: d.GetProperty("id").GetString()!, Zone: n.GetProperty("domain").GetString()!.Split('/')[0])))
            .ToDictionary(p => p.Drive, p => p.Zone);
        Assert.Equal(["zone-a", "zone-b", "zone-c"], zoneOfDrive.Values.Distinct().Order());
        var range = Assert.Single(status.GetProperty("ranges").EnumerateArray());
        Assert.Equal(5, range.GetProperty("members").GetArrayLength());

        var bucket = ServerFixture.NewBucketName("zones");
        await cluster.Client(cluster.Nodes[4]).PutBucketAsync(bucket);
        var zonesUsed = new HashSet<string>();
        for (var i = 0; i < 25; i++)
        {
            var node = cluster.Nodes[i % 5];
            await cluster.Client(node).PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(20_000 + i)) });
            var layout = await cluster.Nodes[(i + 2) % 5].Server.AdminAsync("layout", "--bucket", bucket, "--key", $"k{i}");
            foreach (var blob in layout.GetProperty("blobs").EnumerateArray())
            {
                var zones = blob.GetProperty("drives").EnumerateArray().Select(d => zoneOfDrive[d.GetString()!]).ToArray();
                Assert.Equal(5, zones.Length);
                Assert.All(zones.GroupBy(z => z), g => Assert.True(g.Count() <= 2, $"{g.Count()} fragments of {blob} in {g.Key}"));
                zonesUsed.UnionWith(zones);
            }
        }
        Assert.Equal(3, zonesUsed.Count);
    }

    [Fact]
    public async Task A_code_the_zones_cannot_hold_is_refused_at_start()
    {
        // 4+1 at zone level: five fragments, at most one per zone, but only three zones.
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LocalClusterProcesses.StartAsync(5, ["--ec", "4+1", "--protection-level", "zone"], i => Zones[i]));
        Assert.Contains("zone", failure.Message, StringComparison.OrdinalIgnoreCase);
    }
}
