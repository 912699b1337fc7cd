using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using Cairn.Testing;
using static Cairn.Node.Tests.ClusterRanges;

namespace Cairn.Node.Tests;

/// <summary>
/// The figures each node keeps of its own part, read as the whole store's through any node. Usage: with a bucket over
/// three ranges led by different nodes, every node's `usage/latest`, `usage/history`, sampled bill and console pages
/// show the whole bucket, though no node measured all of it; a node that does not answer is named, and its share
/// is missing. Durability: a repair run on n2 shows in the figures, the race's history and the scrub progress read
/// through n1, whose own ledger counted nothing.
/// </summary>
public sealed class ClusterWideFiguresTests : IAsyncLifetime
{
    private LocalClusterProcesses cluster = null!;

    public async Task InitializeAsync() => cluster = await LocalClusterProcesses.StartAsync(3, ["--usage-interval", "1s", "--scrub-interval", "0"]);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task Every_node_answers_the_whole_bucket_from_the_shares_of_the_nodes_that_measured_it()
    {
        var bucket = ServerFixture.NewBucketName("usage");
        using (var n1 = cluster.Client(cluster["n1"])) await n1.PutBucketAsync(bucket);
        await ClusterViews.SplitAsync(cluster["n1"], bucket, "k1");
        await ClusterViews.SplitAsync(cluster["n1"], bucket, "k2");
        // Three ranges, one key each, over three nodes: leadership spreads to one range each (LeadershipSpread; a
        // resigned leader that stood again used to win its range back every time), so no node measures the whole bucket.
        await WaitForRangesAsync(cluster, r => r.Count == 3 && r.Select(x => x.Leader).Distinct().Count() == 3, "three ranges led by three nodes",
            TimeSpan.FromSeconds(90));
        var sizes = new Dictionary<string, int> { ["k0"] = 1_000, ["k1"] = 2_000, ["k2"] = 4_000 };
        foreach (var ((key, size), node) in sizes.Zip(cluster.Nodes))
        {
            using var client = cluster.Client(node);
            await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(new byte[size]) });
        }

        // Each node's own share (its /metrics) is a part: no node counted the whole bucket.
        long[] shares = [];
        await EventuallyAsync(async () => (shares = await Task.WhenAll(cluster.Nodes.Select(n => MetricAsync(n.Server, $"cairn_bucket_objects{{bucket=\"{bucket}\",storage_class=\"STANDARD\"}}")))).Sum() == 3,
            "the nodes' shares of the bucket adding up to 3 objects");
        Assert.All(shares, share => Assert.True(share < 3, $"one node counted the whole bucket: {string.Join(", ", shares)}"));

        // Through every node, the latest sum is the whole bucket.
        foreach (var node in cluster.Nodes)
        {
            var latest = default(JsonElement);
            await EventuallyAsync(async () => Standard((latest = await AdminGetAsync(node.Server, "usage/latest")).GetProperty("samples").EnumerateArray().LastOrDefault(), bucket) is { Objects: 3 },
                $"usage/latest through {node.Id} showing 3 objects");
            Assert.Equal(7_000, Standard(latest.GetProperty("samples")[0], bucket)!.Value.CurrentBytes);
            Assert.Empty(latest.GetProperty("unreachable").EnumerateArray());
        }

        // The history through n2 holds the sums: the last sample is the whole bucket, the samples are on whole seconds but the first.
        var history = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "usage", "--history", "--bucket", bucket, "--json", "--endpoint", cluster["n2"].Server.Endpoint));
        Assert.True(history.ExitCode == 0, history.ToString());
        var samples = JsonDocument.Parse(history.Stdout).RootElement.GetProperty("samples").EnumerateArray().ToArray();
        Assert.Equal((3L, 7_000L), Standard(samples[^1], bucket) is { } last ? (last.Objects, last.CurrentBytes) : default);
        Assert.Contains(samples, s => s.GetProperty("at").GetDateTimeOffset().Millisecond == 0);

        // The sampled bill through n3 prices the whole bucket's byte-days.
        var bill = await AdminGetAsync(cluster["n3"].Server, $"billing?sample=latest&bucket={bucket}");
        var line = Assert.Single(bill.GetProperty("lines").EnumerateArray());
        Assert.Equal((bucket, "STANDARD"), (line.GetProperty("bucket").GetString(), line.GetProperty("storageClass").GetString()));
        Assert.True(line.GetProperty("byteDays").GetDouble() > 0);

        // The console's buckets page on n1 shows the bucket whole.
        using (var console = await ConsoleSignIn.AsRootAsync(cluster["n1"].Server))
        {
            var page = await console.GetStringAsync(cluster["n1"].Server.Endpoint + "/console/buckets");
            Assert.Matches($"{bucket}</a></th>\\s*<td class=\"num\">3</td>", page);
        }

        // n3 down: the answers name it and leave its share out, the CLI says so on stderr and the console above the figures.
        cluster["n3"].Server.Kill();
        var partial = await AdminGetAsync(cluster["n1"].Server, "usage/latest");
        Assert.Equal("n3", Assert.Single(partial.GetProperty("unreachable").EnumerateArray()).GetProperty("node").GetString());
        var warned = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "usage", "--history", "--bucket", bucket, "--json", "--endpoint", cluster["n1"].Server.Endpoint));
        Assert.True(warned.ExitCode == 0, warned.ToString());
        Assert.Contains($"node n3 ({cluster["n3"].ClusterAddress}) did not answer; its share is missing from these figures", warned.Stderr, StringComparison.Ordinal);
        using (var console = await ConsoleSignIn.AsRootAsync(cluster["n1"].Server))
        {
            var usage = await console.GetStringAsync(cluster["n1"].Server.Endpoint + "/console/usage");
            Assert.Contains("Node n3 did not answer: its share is missing from these figures.", WebUtility.HtmlDecode(usage), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_repair_run_on_n2_shows_in_the_figures_history_and_progress_read_through_n1()
    {
        var bucket = ServerFixture.NewBucketName("race");
        using (var n1 = cluster.Client(cluster["n1"]))
        {
            await n1.PutBucketAsync(bucket);
            await n1.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "precious", InputStream = new MemoryStream(new byte[300_000]) });
        }
        var fragments = Directory.EnumerateFiles(Path.Combine(cluster["n3"].Server.DataPath, "drives", "d0", "fragments"), "*", SearchOption.AllDirectories).ToArray();
        Assert.NotEmpty(fragments);
        File.Delete(fragments[0]);

        var run = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "repair", "--json", "--endpoint", cluster["n2"].Server.Endpoint));
        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = JsonDocument.Parse(run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.True(summary.GetProperty("fragmentsRebuilt").GetInt64() >= 1, run.Stdout);

        // n1 ran nothing: its own counters (its /metrics) are zero, yet what it answers is the store's.
        Assert.Equal(0, await MetricAsync(cluster["n1"].Server, "cairn_fragments_rebuilt_total"));
        var durability = await cluster["n1"].Server.AdminAsync("durability");
        Assert.True(durability.GetProperty("fragmentsLost").GetInt64() >= 1, durability.ToString());
        Assert.True(durability.GetProperty("fragmentsRebuilt").GetInt64() >= 1, durability.ToString());
        Assert.Equal(1, durability.GetProperty("scrubs").GetInt64());
        Assert.Empty(durability.GetProperty("unreachable").EnumerateArray());

        var history = await AdminGetAsync(cluster["n1"].Server, "durability/history");
        var last = history.EnumerateArray().Last();
        Assert.True(last.GetProperty("fragmentsLost").GetInt64() >= 1 && last.GetProperty("fragmentsRebuilt").GetInt64() >= 1, last.ToString());

        var progress = await AdminGetAsync(cluster["n1"].Server, "scrub/progress");
        Assert.Equal(("n2", "idle"), (progress.GetProperty("node").GetString(), progress.GetProperty("state").GetString()));
        Assert.Equal(1, progress.GetProperty("pass").GetInt64());

        // The console's storage page on n1 shows n2's pass.
        using var console = await ConsoleSignIn.AsRootAsync(cluster["n1"].Server);
        var page = WebUtility.HtmlDecode(await console.GetStringAsync(cluster["n1"].Server.Endpoint + "/console/storage"));
        Assert.Matches(@"Pass 1 \([a-z-]+\) on n2: idle", page);
    }

    /// <summary>The bucket's STANDARD figures in one sample: objects, current bytes, current byte-days (null when it has none).</summary>
    private static (long Objects, long CurrentBytes, double ByteDays)? Standard(JsonElement sample, string bucket) =>
        sample.ValueKind != JsonValueKind.Object ? null : sample.GetProperty("classes").EnumerateArray()
            .Where(c => c.GetProperty("bucket").GetString() == bucket && c.GetProperty("storageClass").GetString() == "STANDARD")
            .Select(c => ((long, long, double)?)(c.GetProperty("objects").GetInt64(), c.GetProperty("currentBytes").GetInt64(), c.GetProperty("currentByteDays").GetDouble()))
            .SingleOrDefault();

    /// <summary>A series of the node's own /metrics: the sum of the lines of that name and labels (0 when it shows none).</summary>
    private static async Task<long> MetricAsync(ServerProcess server, string series)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(server.Endpoint + "/metrics");
        return Regex.Matches(text, $"^{Regex.Escape(series)} (\\d+)", RegexOptions.Multiline).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static async Task<JsonElement> AdminGetAsync(ServerProcess server, string call)
    {
        using var http = new SignedHttp(server);
        using var answer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/" + call);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{call}: {(int)answer.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited in vain for {what}.\n{cluster.Logs()}");
            await Task.Delay(500);
        }
    }
}
