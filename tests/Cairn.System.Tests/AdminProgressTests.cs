using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// `cairn admin scrub|repair` while the pass runs: with --json, progress lines that parse and climb to totals matching the
/// final summary; without, plain lines when stdout is not a terminal.
/// </summary>
public sealed class AdminProgressTests
{
    private const int Objects = 12;
    private const int ObjectBytes = 256 * 1024;

    [Fact]
    public async Task Scrub_reports_its_progress_as_json_lines_whose_totals_match_the_summary()
    {
        // 1 MiB/s over 3 MiB: the pass lasts about three seconds, long enough to be seen under way.
        await using var server = await ServerProcess.StartAsync("--scrub-rate", "1048576", "--scrub-interval", "0");
        var bucket = ServerFixture.NewBucketName("scrub");
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync(bucket);
            for (var i = 0; i < Objects; i++)
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(new byte[ObjectBytes]) });
        }

        var lines = await AdminLinesAsync(server, "scrub", "--json");
        var summary = lines[^1];
        Assert.Equal("summary", summary.GetProperty("type").GetString());
        Assert.Equal(Objects, summary.GetProperty("blobsScrubbed").GetInt64());
        Assert.Equal(0, summary.GetProperty("fragmentsLost").GetInt64());
        var progress = lines[..^1];
        Assert.All(progress, p => Assert.Equal("progress", p.GetProperty("type").GetString()));
        Assert.All(progress, p => Assert.Equal("scrub", p.GetProperty("kind").GetString()));
        Assert.Single(progress.Select(p => p.GetProperty("pass").GetInt64()).Distinct());
        // Under way: verified bytes climb and never pass the total counted at the start.
        Assert.Contains(progress, p => p.GetProperty("state").GetString() == "scrubbing"
            && p.GetProperty("bytesVerified").GetInt64() > 0 && p.GetProperty("bytesVerified").GetInt64() < p.GetProperty("bytesTotal").GetInt64()
            && p.GetProperty("etaSeconds").ValueKind == JsonValueKind.Number);
        var verified = progress.Select(p => p.GetProperty("bytesVerified").GetInt64()).ToArray();
        Assert.Equal(verified.Order(), verified);
        // The last figures are the pass's totals, and the summary's.
        var last = progress[^1];
        Assert.Equal("idle", last.GetProperty("state").GetString());
        Assert.Equal(Objects, last.GetProperty("blobsTotal").GetInt64());
        Assert.Equal(Objects, last.GetProperty("blobsScrubbed").GetInt64());
        Assert.Equal(last.GetProperty("bytesTotal").GetInt64(), last.GetProperty("bytesVerified").GetInt64());
        Assert.Equal(summary.GetProperty("bytesVerified").GetInt64(), last.GetProperty("bytesVerified").GetInt64());
        Assert.True(last.GetProperty("bytesVerified").GetInt64() >= (long)Objects * ObjectBytes);

        // Repair: a scrub, then the repair of what it found (nothing here), as the next pass.
        var repair = await AdminLinesAsync(server, "repair", "--json");
        Assert.Equal(0, repair[^1].GetProperty("blobsRepaired").GetInt64());
        Assert.Equal("repair", repair[^2].GetProperty("kind").GetString());
        Assert.Equal(last.GetProperty("pass").GetInt64() + 1, repair[^2].GetProperty("pass").GetInt64());

        // Without --json and with stdout not a terminal: plain lines, then the summary's table.
        var plain = await RunAsync(server, "scrub");
        Assert.Contains($"scrub idle: {Objects}/{Objects} blobs", plain);
        Assert.Contains("blobsScrubbed", plain);
    }

    private static async Task<JsonElement[]> AdminLinesAsync(ServerProcess server, params string[] args) =>
        (await RunAsync(server, args)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();

    private static async Task<string> RunAsync(ServerProcess server, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(["admin", .. args, "--endpoint", server.Endpoint]), TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }
}
