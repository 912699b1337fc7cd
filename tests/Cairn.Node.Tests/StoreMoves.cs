using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Placement;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>
/// What the elasticity tests look at in a running cluster: the objects written and read back byte-exact, every blob's layout
/// (from `cairn admin layout`), the fragment files each drive holds (`cairn admin drives`), the mover's progress and the
/// draining drives (`cairn admin cluster`), and the placement the map wants with every drive up.
/// </summary>
internal sealed class StoreMoves(LocalClusterProcesses cluster, string bucket)
{
    public string Bucket => bucket;

    public Dictionary<string, byte[]> Bodies { get; } = [];

    public static async Task<StoreMoves> CreateAsync(LocalClusterProcesses cluster, string name)
    {
        var moves = new StoreMoves(cluster, ServerFixture.NewBucketName(name));
        await cluster.Client(cluster.Nodes[0]).PutBucketAsync(moves.Bucket);
        // Just after a start a node may not have reached the others' drives yet: a write through it would find too few.
        foreach (var node in cluster.Running)
            await EventuallyAsync(async () => (await StatusAsync(node)).GetProperty("nodes").EnumerateArray()
                    .All(n => n.GetProperty("drives").EnumerateArray().All(d => d.GetProperty("state").GetString() == "online")),
                TimeSpan.FromSeconds(30), $"{node.Id} does not see every drive online");
        return moves;
    }

    /// <summary>Writes objects of about <paramref name="size"/> bytes through the nodes in turn.</summary>
    public async Task WriteAsync(string prefix, int count, int size)
    {
        for (var i = 0; i < count; i++)
        {
            var key = $"{prefix}{i:D2}";
            Bodies[key] = RandomNumberGenerator.GetBytes(size + i);
            var node = cluster.Running.ElementAt(i % cluster.Running.Count());
            await cluster.Client(node).PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(Bodies[key]) });
        }
    }

    /// <summary>Every object read back through <paramref name="via"/> is the bytes written.</summary>
    public async Task AssertEveryObjectReadsBackAsync(ClusterNodeProcess via)
    {
        using var client = cluster.Client(via, c => c.MaxErrorRetry = 3);
        foreach (var (key, body) in Bodies)
        {
            using var get = await client.GetObjectAsync(bucket, key);
            var read = await get.ResponseStream.ReadAllBytesAsync();
            Assert.True(body.SequenceEqual(read), $"{key} did not read back byte-exact through {via.Id}");
        }
    }

    public async Task<List<(string BlobId, int K, int M, string[] Drives)>> BlobsAsync(ClusterNodeProcess via)
    {
        var blobs = new List<(string, int, int, string[])>();
        foreach (var key in Bodies.Keys)
            foreach (var b in (await AdminAsync(via, $"layout?bucket={bucket}&key={key}")).GetProperty("blobs").EnumerateArray())
                blobs.Add((b.GetProperty("blobId").GetString()!, b.GetProperty("dataFragments").GetInt32(), b.GetProperty("parityFragments").GetInt32(),
                    b.GetProperty("drives").EnumerateArray().Select(d => d.GetString()!).ToArray()));
        return blobs;
    }

    /// <summary>Fragment files on each drive of the cluster, as `cairn admin drives` lists them.</summary>
    public static async Task<Dictionary<string, long>> FragmentFilesAsync(ClusterNodeProcess via) =>
        (await AdminAsync(via, "drives")).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!, d => d.GetProperty("fragments").GetInt64());

    /// <summary>The node that runs repair and the mover (the meta group's leader), once one says so.</summary>
    public async Task<ClusterNodeProcess> RepairOwnerAsync()
    {
        ClusterNodeProcess? owner = null;
        await EventuallyAsync(async () =>
        {
            foreach (var node in cluster.Running)
                if ((await WorkAsync(node)).GetProperty("runsRepair").GetBoolean()) owner = node;
            return owner is not null;
        }, TimeSpan.FromSeconds(30), "no node runs repair");
        return owner!;
    }

    public static async Task<JsonElement> WorkAsync(ClusterNodeProcess via) => (await StatusAsync(via)).GetProperty("work");

    public static Task<JsonElement> StatusAsync(ClusterNodeProcess via) => AdminAsync(via, "cluster");

    /// <summary>An admin API call made in this process: many per second, where `cairn admin` starts a process each time.</summary>
    public static async Task<JsonElement> AdminAsync(ClusterNodeProcess via, string call)
    {
        using var http = new SignedHttp(via.Server);
        using var answer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/" + call);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"admin {call} on {via.Id}: {(int)answer.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Placement as the cluster computes it over every drive of the answer: a drive's domain is its node's path and its id.</summary>
    public static RendezvousPlacement FreshPlacement(JsonElement status, Func<string, bool>? include = null)
    {
        var drives = new List<DriveEntry>();
        var level = 0;
        foreach (var node in status.GetProperty("nodes").EnumerateArray())
        {
            var domain = node.GetProperty("domain").GetString()!;
            level = domain.Split('/').Length - 1;
            drives.AddRange(node.GetProperty("drives").EnumerateArray().Select(d => d.GetProperty("id").GetString()!)
                .Where(id => include?.Invoke(id) ?? true).Select(id => new DriveEntry(id, $"{domain}/{id}")));
        }
        return new RendezvousPlacement(drives, level);
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(300);
        }
    }
}
