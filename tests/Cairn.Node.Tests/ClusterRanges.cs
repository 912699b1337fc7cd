using System.Text.Json;
using Amazon.S3;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>The ranges of a cluster as its nodes report them, and reading acknowledged writes back: shared by the split and merge tests.</summary>
internal static class ClusterRanges
{
    public static async Task ReadBackAsync(IAmazonS3 client, string bucket, IReadOnlyDictionary<string, byte[]> acked)
    {
        foreach (var (key, body) in acked)
        {
            using var get = await client.GetObjectAsync(bucket, key);
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.True(body.AsSpan().SequenceEqual(copy.ToArray()), $"{key} read back other bytes");
        }
    }

    public sealed record RangeView(string Group, string Start, string? End, string? Leader);

    /// <summary>Waits until every node shows at least <paramref name="count"/> ranges, each with a leader.</summary>
    public static Task<IReadOnlyList<RangeView>> WaitForRangesAsync(LocalClusterProcesses cluster, int count, TimeSpan timeout) =>
        WaitForRangesAsync(cluster, v => v.Count >= count, $"fewer than {count} ranges", timeout);

    /// <summary>Waits until every node shows the same ranges, each with a leader, and they pass <paramref name="until"/>.</summary>
    public static async Task<IReadOnlyList<RangeView>> WaitForRangesAsync(LocalClusterProcesses cluster, Func<IReadOnlyList<RangeView>, bool> until, string failure, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<RangeView> ranges = [];
        while (DateTime.UtcNow < deadline)
        {
            var views = new List<IReadOnlyList<RangeView>>();
            foreach (var node in cluster.Nodes)
            {
                var status = await cluster.StatusAsync(node);
                views.Add(status.GetProperty("ranges").EnumerateArray().Select(r => new RangeView(
                    r.GetProperty("group").GetString()!, r.GetProperty("start").GetString()!,
                    r.TryGetProperty("end", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null,
                    r.TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null)).ToList());
            }
            ranges = views[0];
            if (views.All(v => until(v) && v.All(r => r.Leader is not null) && v.SequenceEqual(views[0]))) return ranges;
            await Task.Delay(500);
        }
        throw new TimeoutException($"{failure} (with leaders, alike on every node) after {timeout}: {string.Join("; ", ranges)}\n{cluster.Logs()}");
    }

    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(failure);
            await Task.Delay(1000);
        }
    }

}
