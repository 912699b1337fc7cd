using System.Text.Json;
using Cairn.Testing;

namespace Cairn.Cli.Tests;

/// <summary>Runs the built `cairn bench` against a real server. Checks that it works, never how fast.</summary>
public sealed class BenchSmokeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("http")]
    [InlineData("sdk")]
    public async Task Bench_puts_gets_and_deletes_without_errors_and_reports_json(string client)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "bench", "--endpoint", fixture.Server.Endpoint, "--duration", "2s", "--size", "4KiB", "--concurrency", "4", "--json", "--client", client),
            TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, result.ToString());

        using var json = JsonDocument.Parse(result.Stdout);
        var phases = json.RootElement.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal(["PUT", "GET", "DELETE"], phases.Select(p => p.GetProperty("name").GetString()));
        foreach (var phase in phases)
        {
            Assert.True(phase.GetProperty("ops").GetInt64() > 0, $"{phase.GetProperty("name")} did no operations:\n{result}");
            Assert.True(phase.GetProperty("errors").GetInt64() == 0, $"{phase.GetProperty("name")} had errors:\n{result}");
        }
        Assert.Equal(4096 * phases[0].GetProperty("ops").GetInt64(), phases[0].GetProperty("bytes").GetInt64());
        Assert.Equal(client, json.RootElement.GetProperty("client").GetString());

        // The default working set, 4 objects per worker, is what GET read.
        var workingSet = json.RootElement.GetProperty("workingSet");
        Assert.Equal(16, workingSet.GetProperty("objects").GetInt32());
        Assert.Equal(16 * 4096, workingSet.GetProperty("bytes").GetInt64());
        Assert.Equal(Math.Min(16, phases[1].GetProperty("ops").GetInt64()), phases[1].GetProperty("distinctKeysRead").GetInt32());

        // The bucket it created is gone again.
        var bucket = json.RootElement.GetProperty("bucket").GetString();
        var buckets = await fixture.S3.ListBucketsAsync();
        Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == bucket);
    }

    [Fact]
    public async Task Bench_gets_only_the_working_set_and_deletes_it_too()
    {
        var bucket = ServerFixture.NewBucketName("ws");
        await fixture.S3.PutBucketAsync(bucket);
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "bench", "--endpoint", fixture.Server.Endpoint, "--bucket", bucket, "--objects", "5",
            "--duration", "2s", "--size", "4KiB", "--concurrency", "4", "--json"),
            TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, result.ToString());

        using var json = JsonDocument.Parse(result.Stdout);
        var workingSet = json.RootElement.GetProperty("workingSet");
        Assert.Equal(5, workingSet.GetProperty("objects").GetInt32());
        Assert.Equal(5 * 4096, workingSet.GetProperty("bytes").GetInt64());
        var phases = json.RootElement.GetProperty("phases").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        foreach (var (name, phase) in phases)
            Assert.True(phase.GetProperty("errors").GetInt64() == 0, $"{name} had errors:\n{result}");
        var put = phases["PUT"].GetProperty("ops").GetInt64();
        var get = phases["GET"].GetProperty("ops").GetInt64();
        // Both phases went past 5 operations, so a GET over the timed PUT's keys would have read more than 5 distinct keys.
        Assert.True(put > 5 && get > 5, $"PUT {put} and GET {get} operations, too few to tell the working set from the PUT phase's keys:\n{result}");
        Assert.Equal(5, phases["GET"].GetProperty("distinctKeysRead").GetInt32());
        Assert.Equal(get * 4096, phases["GET"].GetProperty("bytes").GetInt64());
        Assert.True(phases["DELETE"].GetProperty("ops").GetInt64() > 0, result.ToString());
        Assert.Contains("working set: 5 × 4KiB = 20KiB put", result.Stderr);

        // The bucket existed before, so it is kept: empty, the working set's objects gone with the PUT phase's.
        var listing = await fixture.S3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        Assert.True((listing.S3Objects ?? []).Count == 0, $"left behind: {string.Join(", ", (listing.S3Objects ?? []).Select(o => o.Key))}\n{result}");
        await fixture.S3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Bench_rejects_a_bad_size()
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "bench", "--endpoint", fixture.Server.Endpoint, "--size", "4 parsecs", "--json"), TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not a size", result.Stderr + result.Stdout);
    }
}
