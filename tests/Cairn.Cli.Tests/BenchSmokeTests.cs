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

        // The bucket it created is gone again.
        var bucket = json.RootElement.GetProperty("bucket").GetString();
        var buckets = await fixture.S3.ListBucketsAsync();
        Assert.DoesNotContain(buckets.Buckets ?? [], b => b.BucketName == bucket);
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
