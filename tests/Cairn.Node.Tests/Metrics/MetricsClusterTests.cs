using Cairn.Testing;

namespace Cairn.Node.Tests.Metrics;

/// <summary>Three `cairn server` processes in one cluster, counting per-bucket figures and sweeping (so counting) their drives every second.</summary>
public sealed class MetricsCluster : IAsyncLifetime
{
    public LocalClusterProcesses Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalClusterProcesses.StartAsync(3, ["--metrics-usage-interval", "1s", "--gc-interval", "00:00:01"]);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>/metrics of every node of a three-node cluster shows Raft's view of each range it holds a replica of.</summary>
public sealed class MetricsClusterTests(MetricsCluster fixture) : IClassFixture<MetricsCluster>
{
    [Fact]
    public async Task Every_node_exports_term_leader_and_commit_lag_per_range()
    {
        using var s3 = fixture.Cluster.Nodes[0].Server.Client();
        var bucket = ServerFixture.NewBucketName("raft");
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "replicated" });

        // Leadership may be moving between nodes (it is spread after start), and a follower may not have applied its first
        // entry yet: scrape until each range has one leader and every replica has caught up, then check each figure.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var scrapes = await ScrapeEveryNodeAsync();
            var ranges = scrapes[0].Series("cairn_raft_term").Select(s => s.Labels["range"]).ToHashSet();
            Assert.NotEmpty(ranges);
            var settled = ranges.All(range => scrapes.Sum(s => s.Value("cairn_raft_leader", ("range", range))) == 1
                && scrapes.All(s => s.Value("cairn_raft_has_leader", ("range", range)) == 1 && s.Value("cairn_raft_applied_index", ("range", range)) >= 1));
            if (settled || DateTime.UtcNow > deadline)
            {
                foreach (var range in ranges)
                    foreach (var scrape in scrapes)
                    {
                        // Three replicas of each range, one per node: each has a term, leader changes seen, and its commit lag.
                        Assert.True(scrape.Value("cairn_raft_term", ("range", range)) >= 1, $"{range}: no term");
                        Assert.True(scrape.Value("cairn_raft_leader_changes_total", ("range", range)) >= 1, $"{range}: no leader change seen");
                        Assert.True(scrape.Has("cairn_raft_commit_lag_entries", ("range", range)), $"{range}: no commit lag");
                        Assert.True(scrape.Value("cairn_raft_applied_index", ("range", range)) >= 1, $"{range}: nothing applied after 30 s");
                    }
                Assert.True(settled, "Some range never showed exactly one leader on the three nodes");
                break;
            }
            await Task.Delay(500);
        }

        // The object is counted once, by the node leading its range.
        while (true)
        {
            var total = (await ScrapeEveryNodeAsync()).Sum(s => s.Value("cairn_bucket_objects", ("bucket", bucket), ("storage_class", "STANDARD")));
            if (total == 1) break;
            Assert.True(total == 0 && DateTime.UtcNow < deadline + TimeSpan.FromSeconds(10), $"the cluster's nodes count {total} objects in {bucket}");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Every_node_counts_its_own_drives_and_any_node_shows_every_drive_with_its_node()
    {
        using var s3 = fixture.Cluster.Nodes[0].Server.Client();
        var bucket = ServerFixture.NewBucketName("census");
        await s3.PutBucketAsync(bucket);
        for (var i = 0; i < 3; i++)
            await s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(new byte[100_000]) });

        // Each node's /metrics counts its own drives only, as many fragments as their folders hold; node 0's cluster view shows
        // every node's drives, under their node, with the counts their owners reported (stats come from the owner).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var problems = new List<string>();
            var owned = new Dictionary<string, (string Node, long Files)>();
            foreach (var node in fixture.Cluster.Nodes)
            {
                var own = (await node.Server.AdminAsync("cluster")).GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == node.Id)
                    .GetProperty("drives").EnumerateArray().Select(d => (Id: d.GetProperty("id").GetString()!, Path: d.GetProperty("path").GetString()!)).ToArray();
                var scrape = await Scrapes.ScrapeAsync(node.Server);
                var exported = scrape.Series("cairn_drive_fragments").Select(x => x.Labels["drive"]).Order().ToArray();
                if (!exported.SequenceEqual(own.Select(d => d.Id).Order())) problems.Add($"{node.Id} exports counts of [{string.Join(',', exported)}]");
                foreach (var (id, path) in own)
                {
                    var files = Directory.EnumerateFiles(Path.Combine(path, "fragments"), "*", SearchOption.AllDirectories).LongCount();
                    owned[id] = (node.Id, files);
                    if (scrape.Value("cairn_drive_fragments", ("drive", id)) != files) problems.Add($"{node.Id}: {id} counted {scrape.Value("cairn_drive_fragments", ("drive", id))}, holds {files}");
                }
            }
            var seen = (await fixture.Cluster.Nodes[0].Server.AdminAsync("cluster")).GetProperty("nodes").EnumerateArray()
                .SelectMany(n => n.GetProperty("drives").EnumerateArray().Select(d => (Node: n.GetProperty("id").GetString()!, Id: d.GetProperty("id").GetString()!,
                    Fragments: d.GetProperty("fragments").ValueKind == System.Text.Json.JsonValueKind.Number ? d.GetProperty("fragments").GetInt64() : -1))).ToArray();
            if (seen.Length != owned.Count) problems.Add($"node 0 shows {seen.Length} drives, the nodes own {owned.Count}");
            foreach (var (node, id, fragments) in seen)
                if (!owned.TryGetValue(id, out var owner) || owner.Node != node || owner.Files != fragments)
                    problems.Add($"node 0 shows {id} on {node} with {fragments} fragments");
            if (problems.Count == 0 && owned.Values.Sum(o => o.Files) >= 3) break;
            Assert.True(DateTime.UtcNow < deadline, string.Join("; ", problems));
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task The_grafana_dashboard_uses_only_exported_metrics()
    {
        var expressions = GrafanaDashboard.Expressions();
        Assert.True(expressions.Count >= 8, $"only {expressions.Count} expr fields in the dashboard");
        // A cluster node exports every metric: a node alone's, and Raft's.
        var scrape = await Scrapes.ScrapeAsync(fixture.Cluster.Nodes[0].Server);
        var exported = scrape.Families.Values.SelectMany(f => f.Type == "histogram"
            ? new[] { f.Name + "_bucket", f.Name + "_sum", f.Name + "_count" } : [f.Name]).ToHashSet(StringComparer.Ordinal);
        var used = expressions.SelectMany(GrafanaDashboard.MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(exported.Contains(name), $"the dashboard uses {name}, which /metrics does not export"));
    }

    private async Task<List<PrometheusText>> ScrapeEveryNodeAsync()
    {
        var scrapes = new List<PrometheusText>();
        foreach (var node in fixture.Cluster.Nodes) scrapes.Add(await Scrapes.ScrapeAsync(node.Server));
        return scrapes;
    }
}
