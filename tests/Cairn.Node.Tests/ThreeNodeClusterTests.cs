using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>
/// A cluster of three processes serves one store: any node accepts any request, a write through one node is
/// read back at once through the others, and a blob's fragments sit on distinct nodes.
/// </summary>
public sealed class ThreeNodeClusterTests(ThreeNodeCluster fixture) : IClassFixture<ThreeNodeCluster>
{
    private LocalClusterProcesses Cluster => fixture.Cluster;

    [Fact]
    public async Task Every_node_serves_every_request_with_the_AWS_SDK()
    {
        var bucket = ServerFixture.NewBucketName("sdk");
        var clients = Cluster.Nodes.Select(n => Cluster.Client(n)).ToArray();
        await clients[0].PutBucketAsync(bucket);
        var bodies = new Dictionary<string, byte[]>();
        for (var i = 0; i < clients.Length; i++)
        {
            var key = $"through-n{i + 1}";
            bodies[key] = RandomNumberGenerator.GetBytes(100_000 + i);
            await clients[i].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bodies[key]) });
        }
        foreach (var client in clients)
        {
            foreach (var (key, body) in bodies)
                Assert.Equal(body, await ReadAsync(client, bucket, key));
            var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
            Assert.Equal(bodies.Keys.Order(StringComparer.Ordinal), listed.S3Objects.Select(o => o.Key));
        }
        // A delete through one node is seen by the others.
        await clients[2].DeleteObjectAsync(bucket, "through-n1");
        foreach (var client in clients)
        {
            var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectMetadataAsync(bucket, "through-n1"));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        // A bucket made through one node is refused again through another, with S3's own error.
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => clients[1].PutBucketAsync(bucket));
        Assert.Equal("BucketAlreadyOwnedByYou", again.ErrorCode);
    }

    [Fact]
    public async Task A_write_through_one_node_reads_back_at_once_through_every_other_node()
    {
        var bucket = ServerFixture.NewBucketName("raw");
        var clients = Cluster.Nodes.Select(n => Cluster.Client(n)).ToArray();
        await clients[0].PutBucketAsync(bucket);
        for (var round = 0; round < 30; round++)
        {
            var writer = round % clients.Length;
            var body = RandomNumberGenerator.GetBytes(64 + round);
            var put = await clients[writer].PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot", InputStream = new MemoryStream(body) });
            // Every other node, at the same time, right after the acknowledgement: never the previous value.
            var reads = await Task.WhenAll(clients.Where((_, i) => i != writer).Select(async c =>
            {
                using var get = await c.GetObjectAsync(bucket, "hot");
                using var copy = new MemoryStream();
                await get.ResponseStream.CopyToAsync(copy);
                return (get.ETag, Body: copy.ToArray());
            }));
            foreach (var read in reads)
            {
                Assert.Equal(put.ETag, read.ETag);
                Assert.Equal(body, read.Body);
            }
        }
    }

    [Fact]
    public async Task The_fragments_of_a_blob_sit_on_distinct_nodes()
    {
        var bucket = ServerFixture.NewBucketName("spread");
        var client = Cluster.Client(Cluster.Nodes[1]);
        await client.PutBucketAsync(bucket);
        var status = await Cluster.StatusAsync(Cluster.Nodes[0]);
        var nodeOfDrive = status.GetProperty("nodes").EnumerateArray()
            .SelectMany(n => n.GetProperty("drives").EnumerateArray().Select(d => (Drive: d.GetProperty("id").GetString()!, Node: n.GetProperty("id").GetString()!)))
            .ToDictionary(p => p.Drive, p => p.Node);
        for (var i = 0; i < 10; i++)
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(300_000)) });
            var layout = await Cluster.Nodes[2].Server.AdminAsync("layout", "--bucket", bucket, "--key", $"k{i}");
            foreach (var blob in layout.GetProperty("blobs").EnumerateArray())
            {
                var nodes = blob.GetProperty("drives").EnumerateArray().Select(d => nodeOfDrive[d.GetString()!]).ToArray();
                Assert.Equal(3, nodes.Length);
                Assert.Equal(nodes.Length, nodes.Distinct().Count());
            }
        }
    }

    [Fact]
    public async Task The_admin_view_shows_every_node_and_the_range_with_one_leader_seen_alike_from_every_node()
    {
        var leaders = new HashSet<string?>();
        var owners = new List<string>();
        var tenders = new List<string>();
        foreach (var node in Cluster.Nodes)
        {
            var status = await Cluster.StatusAsync(node);
            var work = status.GetProperty("work");
            if (work.GetProperty("runsRepair").GetBoolean()) owners.Add(node.Id);
            if (work.GetProperty("rangesTended").GetArrayLength() > 0) tenders.Add(node.Id);
            Assert.Empty(status.GetProperty("work").GetProperty("drivesToRepairFrom").EnumerateArray());
            Assert.Equal(node.Id, status.GetProperty("node").GetString());
            Assert.Equal(["n1", "n2", "n3"], status.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
            Assert.All(status.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("Up", n.GetProperty("state").GetString()));
            var range = Assert.Single(status.GetProperty("ranges").EnumerateArray());
            Assert.Equal(["n1", "n2", "n3"], range.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
            Assert.Equal("", range.GetProperty("start").GetString());
            Assert.Equal(JsonValueKind.Null, range.GetProperty("end").ValueKind);
            leaders.Add(range.GetProperty("leader").GetString());
        }
        // One leader, seen alike; it alone runs the range's work. One node (the meta group's leader) runs the store's repair.
        Assert.Equal(leaders.Single(), Assert.Single(tenders));
        Assert.Single(owners);
    }

    [Fact]
    public async Task The_cluster_port_refuses_calls_without_the_secret_and_the_S3_port_never_serves_cluster_routes()
    {
        var node = Cluster.Nodes[0];
        using var h2 = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var unsigned = await h2.GetAsync($"http://{node.ClusterAddress}/cluster/v1/node");
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        using var wrong = new HttpClient(new Cairn.Transport.ClusterSigningHandler(Cairn.Transport.ClusterSecret.FromText("not-the-cluster-secret-at-all"))
            { InnerHandler = new SocketsHttpHandler() });
        Assert.Equal(HttpStatusCode.Forbidden, (await wrong.GetAsync($"http://{node.ClusterAddress}/cluster/v1/node")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await wrong.GetAsync($"http://{node.ClusterAddress}/cluster/v1/drives/n1-d0/fragments")).StatusCode);

        using var right = new HttpClient(new Cairn.Transport.ClusterSigningHandler(Cairn.Transport.ClusterSecret.FromText(LocalClusterProcesses.Secret))
            { InnerHandler = new SocketsHttpHandler() });
        var description = await right.GetAsync($"http://{node.ClusterAddress}/cluster/v1/node");
        Assert.Equal(HttpStatusCode.OK, description.StatusCode);
        Assert.Equal("n1", JsonDocument.Parse(await description.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());

        // On the S3 port the same path is an S3 request for a bucket named "cluster": S3's rules apply, and S3 tells
        // anyone first that a bucket does not exist; with the bucket there, an unsigned request is refused.
        using var plain = new HttpClient();
        var s3 = await plain.GetAsync($"{node.Server.Endpoint}/cluster/v1/node");
        Assert.Equal(HttpStatusCode.NotFound, s3.StatusCode);
        Assert.Contains("<Code>NoSuchBucket</Code>", await s3.Content.ReadAsStringAsync());
        using var client = node.Server.Client();
        await client.PutBucketAsync("cluster");
        var refused = await plain.GetAsync($"{node.Server.Endpoint}/cluster/v1/node");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await refused.Content.ReadAsStringAsync());
    }

    private static async Task<byte[]> ReadAsync(IAmazonS3 client, string bucket, string key)
    {
        using var get = await client.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
