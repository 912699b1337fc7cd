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
        await using var server = await ServerProcess.StartAsync("--scrub-interval", "0");
        var bucket = ServerFixture.NewBucketName("history");
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync(bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(new byte[40_000]) });
        }
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

    private static async Task<JsonElement[]> HistoryAsync(ServerProcess server)
    {
        using var http = new SignedHttp(server);
        using var answer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/durability/history");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
