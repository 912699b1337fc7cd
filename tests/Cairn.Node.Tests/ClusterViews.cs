using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>A cluster as `admin cluster --json` shows it, and objects read back whole: shared by the membership tests.</summary>
internal static class ClusterViews
{
    public static JsonElement Node(JsonElement status, string id) =>
        status.GetProperty("nodes").EnumerateArray().First(n => n.GetProperty("id").GetString() == id);

    /// <summary>The node's state, or null when the map does not list it.</summary>
    public static string? State(JsonElement status, string id) =>
        status.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("id").GetString() == id) ? Node(status, id).GetProperty("state").GetString() : null;

    public static int Replicas(JsonElement status, string id) => Node(status, id).GetProperty("replicas").GetInt32();

    public static bool MetaMember(JsonElement status, string id) => Node(status, id).GetProperty("metaMember").GetBoolean();

    public static string[] Members(JsonElement range) => range.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).ToArray();

    /// <summary>Polls `admin cluster` through <paramref name="via"/> until <paramref name="condition"/> holds (60 s by default).</summary>
    public static async Task<JsonElement> WaitForAsync(LocalClusterProcesses cluster, ClusterNodeProcess via, Func<JsonElement, bool> condition, string what,
        TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await cluster.StatusAsync(via);
            if (condition(status)) return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited in vain for {what}: {status}\n{cluster.Logs()}");
            await Task.Delay(250);
        }
    }

    /// <summary>Launches a node that joins the running cluster, admits it once the map lists it as joining, and waits until it serves.</summary>
    public static async Task<ClusterNodeProcess> JoinAndAdmitAsync(LocalClusterProcesses cluster, string id)
    {
        var via = cluster.Nodes[0];
        var node = cluster.LaunchJoining(id);
        await WaitForAsync(cluster, via, s => State(s, id) == "Joining", $"{id} joining");
        await via.Server.AdminAsync("cluster", "admit", id);
        await node.Server.WaitReadyAsync(TimeSpan.FromSeconds(120));
        return node;
    }

    /// <summary>`admin cluster split`, tried again while it answers 503 (the range just made has not started everywhere yet).</summary>
    public static async Task SplitAsync(ClusterNodeProcess via, string bucket, string key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await via.Server.AdminAsync("cluster", "split", "--bucket", bucket, "--key", key);
                return;
            }
            catch (InvalidOperationException e) when (e.Message.Contains("503 Service Unavailable", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    public static async Task<byte[]> ReadAsync(IAmazonS3 client, string bucket, string key)
    {
        using var response = await client.GetObjectAsync(bucket, key);
        using var bytes = new MemoryStream();
        await response.ResponseStream.CopyToAsync(bytes);
        return bytes.ToArray();
    }

    /// <summary>Every key of the bucket, paged <paramref name="pageSize"/> at a time.</summary>
    public static async Task<List<string>> ListAsync(IAmazonS3 client, string bucket, int pageSize)
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = pageSize, ContinuationToken = token });
            keys.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return keys;
    }
}
