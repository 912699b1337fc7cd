using System.Net;
using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// The durability race's history (admin durability/history, the console's chart) is saved in the data directory: its samples
/// survive a graceful restart and a kill -9, and the lost and rebuilt counts go on from where they were.
/// </summary>
public sealed class DurabilityHistoryTests
{
    [Fact]
    public async Task Samples_and_counts_survive_a_restart_and_a_kill()
    {
        await using var server = await StartWithBlobsAsync(1, "--scrub-interval", "0");
        // A fragment gone: the scrub finds one lost (a single drive has no parity: nothing to rebuild it from).
        File.Delete(Directory.EnumerateFiles(Path.Combine(server.DataPath, "drives", "d0", "fragments"), "*", SearchOption.AllDirectories).Single());
        using (var http = new SignedHttp(server))
        using (var scrub = await http.SendAsync(HttpMethod.Post, "/_cairn/admin/v1/scrub"))
            Assert.Equal(HttpStatusCode.OK, scrub.StatusCode);
        var before = await HistoryAsync(server);
        Assert.Equal(1, before[^1].GetProperty("fragmentsLost").GetInt64());
        var firstSample = before[0].GetProperty("at").GetDateTimeOffset();

        // A graceful stop saves a last sample; the restarted node shows the samples of before, and its counts carry on.
        await server.StopGracefullyAsync();
        Assert.True(File.Exists(Path.Combine(server.DataPath, "durability-history.json")));
        await server.StartProcessAsync();
        var after = await HistoryAsync(server);
        Assert.Equal(firstSample, after[0].GetProperty("at").GetDateTimeOffset());
        Assert.True(after.Length >= before.Length + 1, $"{after.Length} samples after the restart, {before.Length} before");
        Assert.Contains(after[..^1], s => s.GetProperty("fragmentsLost").GetInt64() == 1);
        Assert.Equal(1, after[^1].GetProperty("fragmentsLost").GetInt64());
        var ats = after.Select(s => s.GetProperty("at").GetDateTimeOffset()).ToArray();
        Assert.Equal(ats.Order(), ats);

        // kill -9: what was saved (each sample is saved whole, temp then rename) is still there.
        server.Kill();
        await server.StartProcessAsync();
        var killed = await HistoryAsync(server);
        Assert.Equal(firstSample, killed[0].GetProperty("at").GetDateTimeOffset());
        Assert.True(killed.Length >= after.Length, $"{killed.Length} samples after kill -9, {after.Length} before");
        Assert.Equal(1, killed[^1].GetProperty("fragmentsLost").GetInt64());
        Assert.False(File.Exists(Path.Combine(server.DataPath, "durability-history.json.tmp")), "a save left its temporary file behind");
    }

    [Fact]
    public async Task The_repair_queue_is_one_figure_in_the_metrics_and_the_history_while_a_scrub_finds_damage()
    {
        // 32 KiB/s over six blobs of 40 KB: the pass takes seconds after it meets the damaged blob, verified first.
        await using var server = await StartWithBlobsAsync(6, "--scrub-interval", "0", "--scrub-rate", "32768");
        // Scrub walks the blobs in id order: the first fragment file by name is the first blob it verifies.
        File.Delete(Directory.EnumerateFiles(Path.Combine(server.DataPath, "drives", "d0", "fragments"), "*", SearchOption.AllDirectories)
            .OrderBy(Path.GetFileName, StringComparer.Ordinal).First());
        Assert.Equal((0, 0), await QueueAsync(server));

        using var http = new SignedHttp(server);
        var pass = http.SendAsync(HttpMethod.Post, "/_cairn/admin/v1/scrub");
        var seen = (Metric: -1L, History: -1L);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!pass.IsCompleted && DateTime.UtcNow < deadline && seen != (1, 1))
        {
            seen = await QueueAsync(server);
            await Task.Delay(100);
        }
        Assert.Equal((1L, 1L), seen);
        using (var answer = await pass) Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        // The pass is over (a scrub alone repairs nothing): nothing waits for its repair any more.
        Assert.Equal((0, 0), await QueueAsync(server));
    }

    /// <summary>A server whose only drive holds <paramref name="blobs"/> blobs of 40 KB, one fragment file each (a drive alone is coded 1+0).</summary>
    private static async Task<ServerProcess> StartWithBlobsAsync(int blobs, params string[] arguments)
    {
        var server = await ServerProcess.StartAsync(arguments);
        using var s3 = server.Client();
        var bucket = ServerFixture.NewBucketName("durability");
        await s3.PutBucketAsync(bucket);
        foreach (var key in Enumerable.Range(0, blobs).Select(i => $"k{i}"))
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(new byte[40_000]) });
        return server;
    }

    /// <summary>cairn_repair_queue_depth on /metrics, and the repair queue of durability/history's sample taken now.</summary>
    private static async Task<(long Metric, long History)> QueueAsync(ServerProcess server)
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(server.Endpoint + "/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("cairn_repair_queue_depth ", StringComparison.Ordinal));
        var metric = (long)double.Parse(line["cairn_repair_queue_depth ".Length..], global::System.Globalization.CultureInfo.InvariantCulture);
        return (metric, (await HistoryAsync(server))[^1].GetProperty("repairQueue").GetInt64());
    }

    private static async Task<JsonElement[]> HistoryAsync(ServerProcess server)
    {
        using var http = new SignedHttp(server);
        using var answer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/durability/history");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
