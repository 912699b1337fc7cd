using System.Security.Cryptography;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>
/// Five nodes in three zones, 3+2 protected at zone level: no zone may hold more than two fragments of a stripe,
/// so losing any one zone loses no object. Checked from the layouts the index records, for objects written
/// through every node. The range group has three replicas, one per zone; the two nodes without one serve every
/// request through the members.
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
        var members = range.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray();
        var zoneOfNode = status.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!, n => n.GetProperty("domain").GetString()!.Split('/')[0]);
        Assert.Equal(["zone-a", "zone-b", "zone-c"], members.Select(m => zoneOfNode[m]).Order());

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

        // The nodes without a replica of the range read, list, overwrite, delete and upload in parts through its members.
        var outside = cluster.Nodes.Where(n => !members.Contains(n.Id)).ToArray();
        Assert.Equal(2, outside.Length);
        foreach (var node in outside)
        {
            var client = cluster.Client(node);
            var listed = await ListAllAsync(client, bucket);
            Assert.Equal(Enumerable.Range(0, 25).Select(i => $"k{i}").Order(StringComparer.Ordinal), listed.Where(k => k.StartsWith('k')));
            Assert.Contains(bucket, (await client.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
            using (var get = await client.GetObjectAsync(bucket, "k3"))
                Assert.Equal(20_003, get.ContentLength);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"from-{node.Id}", ContentBody = node.Id });
            using (var get = await cluster.Client(cluster.Nodes.First(n => members.Contains(n.Id))).GetObjectAsync(bucket, $"from-{node.Id}"))
                Assert.Equal(node.Id, await new StreamReader(get.ResponseStream).ReadToEndAsync());
            await client.DeleteObjectAsync(bucket, $"from-{node.Id}");
            await Assert.ThrowsAsync<Amazon.S3.AmazonS3Exception>(() => cluster.Client(cluster.Nodes[0]).GetObjectMetadataAsync(bucket, $"from-{node.Id}"));

            var upload = await client.InitiateMultipartUploadAsync(bucket, $"mp-{node.Id}");
            var part = await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = $"mp-{node.Id}", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[5000]),
            });
            Assert.Single((await client.ListMultipartUploadsAsync(bucket)).MultipartUploads, u => u.UploadId == upload.UploadId);
            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = $"mp-{node.Id}", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
            });
            Assert.Equal(5000, (await client.GetObjectMetadataAsync(bucket, $"mp-{node.Id}")).ContentLength);
        }

        // A split asked of a node without a replica (the range's own command goes through a member); then every node,
        // with or without replicas of the two ranges, lists the same keys across both.
        await outside[0].Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", "k2");
        var expected = await ListAllAsync(cluster.Client(cluster.Nodes.First(n => members.Contains(n.Id))), bucket);
        Assert.Equal(27, expected.Count);
        foreach (var node in cluster.Nodes) Assert.Equal(expected, await ListAllAsync(cluster.Client(node), bucket));
    }

    private static async Task<List<string>> ListAllAsync(Amazon.S3.IAmazonS3 client, string bucket)
    {
        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 5, ContinuationToken = token });
            listed.AddRange(page.S3Objects.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return listed;
    }

    [Fact]
    public async Task A_code_the_zones_cannot_hold_is_refused_at_start()
    {
        // 4+1 at zone level: five fragments, at most one per zone, but only three zones.
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => LocalClusterProcesses.StartAsync(5, ["--ec", "4+1", "--protection-level", "zone"], i => Zones[i]));
        Assert.Contains("zone", failure.Message, StringComparison.OrdinalIgnoreCase);
    }
}
