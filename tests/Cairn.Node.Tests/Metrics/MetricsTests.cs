using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests.Metrics;

/// <summary>GET /metrics on a real server: the exposition parsed strictly, and its figures moved by real requests and workers.</summary>
public sealed class MetricsTests(MetricsServerFixture fixture) : IClassFixture<MetricsServerFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task Scrape_declares_every_metric_family_with_its_type()
    {
        var scrape = await Scrapes.ScrapeAsync(Server);
        var expected = new Dictionary<string, string>
        {
            ["cairn_s3_requests_total"] = "counter", ["cairn_s3_errors_total"] = "counter", ["cairn_s3_request_duration_seconds"] = "histogram",
            ["cairn_s3_received_bytes_total"] = "counter", ["cairn_s3_sent_bytes_total"] = "counter",
            ["cairn_index_commit_duration_seconds"] = "histogram",
            ["cairn_bucket_objects"] = "gauge", ["cairn_bucket_bytes"] = "gauge", ["cairn_bucket_usage_sampled_timestamp_seconds"] = "gauge",
            ["cairn_drive_state"] = "gauge", ["cairn_drive_capacity_bytes"] = "gauge", ["cairn_drive_free_bytes"] = "gauge", ["cairn_drive_used_bytes"] = "gauge",
            ["cairn_drive_fragments"] = "gauge", ["cairn_drive_fragment_bytes"] = "gauge", ["cairn_drive_fragments_counted_timestamp_seconds"] = "gauge",
            ["cairn_fragments_verified_total"] = "counter", ["cairn_fragments_lost_total"] = "counter", ["cairn_fragments_rebuilt_total"] = "counter",
            ["cairn_repair_queue_depth"] = "gauge", ["cairn_scrub_running"] = "gauge", ["cairn_scrub_passes_total"] = "counter",
            ["cairn_scrub_pass_blobs_verified"] = "gauge", ["cairn_scrub_pass_blobs"] = "gauge", ["cairn_scrub_pass_verified_bytes"] = "gauge",
            ["cairn_scrub_pass_bytes"] = "gauge", ["cairn_lifecycle_actions_total"] = "counter", ["cairn_gc_backlog_blobs"] = "gauge",
            ["cairn_gc_freed_blobs_total"] = "counter",
        };
        foreach (var (name, type) in expected)
        {
            Assert.True(scrape.Families.TryGetValue(name, out var family), $"{name} is not exported");
            Assert.Equal(type, family.Type);
        }
        Assert.All(scrape.Families.Keys, name => Assert.StartsWith("cairn_", name));
        // A node alone has no Raft groups.
        Assert.DoesNotContain("cairn_raft_term", scrape.Families.Keys);
    }

    [Fact]
    public async Task Requests_move_the_counters_by_operation_and_status()
    {
        var bucket = await fixture.NewBucketAsync("req");
        int[] sizes = [20_000, 40_000, 100_000];
        var before = await Scrapes.ScrapeAsync(Server);
        for (var i = 0; i < sizes.Length; i++)
            await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", InputStream = new MemoryStream(new byte[sizes[i]]) });
        long read = 0;
        foreach (var key in new[] { "k0", "k2" })
        {
            using var get = await fixture.S3.GetObjectAsync(bucket, key);
            using var sink = new MemoryStream();
            await get.ResponseStream.CopyToAsync(sink);
            read += sink.Length;
        }
        await fixture.S3.DeleteObjectAsync(bucket, "k1");
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => fixture.S3.GetObjectAsync(bucket, "no-such-key"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var after = await Scrapes.ScrapeAsync(Server);

        double Moved(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(3, Moved("cairn_s3_requests_total", ("operation", "PutObject"), ("status", "200")));
        Assert.Equal(2, Moved("cairn_s3_requests_total", ("operation", "GetObject"), ("status", "200")));
        Assert.Equal(1, Moved("cairn_s3_requests_total", ("operation", "DeleteObject"), ("status", "204")));
        Assert.Equal(1, Moved("cairn_s3_requests_total", ("operation", "GetObject"), ("status", "404")));
        Assert.Equal(1, Moved("cairn_s3_errors_total", ("operation", "GetObject"), ("code", "NoSuchKey")));
        Assert.Equal(0, Moved("cairn_s3_errors_total", ("operation", "PutObject"), ("code", "NoSuchKey")));
        Assert.True(Moved("cairn_s3_received_bytes_total", ("operation", "PutObject")) >= sizes.Sum(), "bytes in moved by less than the objects' sizes");
        Assert.True(Moved("cairn_s3_sent_bytes_total", ("operation", "GetObject")) >= read, "bytes out moved by less than the objects read");
        Assert.Equal(3, Moved("cairn_s3_request_duration_seconds_count", ("operation", "PutObject")));
        Assert.Equal(3, Moved("cairn_s3_request_duration_seconds_count", ("operation", "GetObject")));
        Assert.Equal(3, Moved("cairn_s3_request_duration_seconds_bucket", ("operation", "PutObject"), ("le", "+Inf")));
        Assert.True(Moved("cairn_s3_request_duration_seconds_sum", ("operation", "PutObject")) > 0);
        // Three PUTs committed three versions; the DELETE one marker-less delete.
        Assert.Equal(3, Moved("cairn_index_commit_duration_seconds_count", ("command", "PutVersion")));
        Assert.True(Moved("cairn_index_commit_duration_seconds_count", ("command", "DeleteObject")) >= 1);
    }

    [Fact]
    public async Task Objects_and_bytes_per_bucket_and_storage_class_follow_the_puts()
    {
        var bucket = await fixture.NewBucketAsync("usage", versioned: true);
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", InputStream = new MemoryStream(new byte[30_000]) });
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", InputStream = new MemoryStream(new byte[50_000]) });
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", InputStream = new MemoryStream(new byte[7_000]) });
        await fixture.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "c", InputStream = new MemoryStream(new byte[60_000]), StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        (string, string) Bucket = ("bucket", bucket);
        var scrape = await Scrapes.ScrapeUntilAsync(Server, s =>
            s.Value("cairn_bucket_objects", Bucket, ("storage_class", "STANDARD")) == 2
            && s.Value("cairn_bucket_objects", Bucket, ("storage_class", "STANDARD_IA")) == 1, TimeSpan.FromSeconds(20));
        Assert.Equal(57_000, scrape.Value("cairn_bucket_bytes", Bucket, ("storage_class", "STANDARD"), ("kind", "current")));
        Assert.Equal(30_000, scrape.Value("cairn_bucket_bytes", Bucket, ("storage_class", "STANDARD"), ("kind", "noncurrent")));
        Assert.Equal(60_000, scrape.Value("cairn_bucket_bytes", Bucket, ("storage_class", "STANDARD_IA"), ("kind", "current")));
        Assert.False(scrape.Has("cairn_bucket_bytes", Bucket, ("storage_class", "STANDARD_IA"), ("kind", "noncurrent")));
        Assert.True(scrape.Value("cairn_bucket_usage_sampled_timestamp_seconds") > DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Every_drive_has_its_state_and_space()
    {
        var scrape = await Scrapes.ScrapeAsync(Server);
        Assert.Equal(fixture.DriveIds.Order(), scrape.Series("cairn_drive_capacity_bytes").Select(s => s.Labels["drive"]).Order());
        foreach (var drive in fixture.DriveIds)
        {
            Assert.Equal(1, scrape.Value("cairn_drive_state", ("drive", drive), ("state", "up")));
            Assert.Equal(0, scrape.Value("cairn_drive_state", ("drive", drive), ("state", "down")));
            Assert.Equal(0, scrape.Value("cairn_drive_state", ("drive", drive), ("state", "draining")));
            var capacity = scrape.Value("cairn_drive_capacity_bytes", ("drive", drive));
            var free = scrape.Value("cairn_drive_free_bytes", ("drive", drive));
            Assert.True(capacity > 0 && free > 0 && free <= capacity, $"{drive}: capacity {capacity}, free {free}");
            Assert.Equal(capacity - free, scrape.Value("cairn_drive_used_bytes", ("drive", drive)));
        }
    }

    [Fact]
    public async Task Every_drive_reports_the_fragments_it_holds_as_of_its_last_count()
    {
        var bucket = await fixture.NewBucketAsync("census");
        for (var i = 0; i < 4; i++)
            await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"c{i}", InputStream = new MemoryStream(new byte[30_000 + i]) });
        var written = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;

        // The files on each drive now; a count taken after the PUTs (the sweep lists the drives every second) must match them.
        Dictionary<string, (long Files, long Bytes)> OnDisk() => fixture.DriveIds.ToDictionary(d => d, d =>
        {
            var files = new DirectoryInfo(Path.Combine(fixture.DrivesRoot, d, "fragments")).EnumerateFiles("*", SearchOption.AllDirectories).ToArray();
            return ((long)files.Length, files.Sum(f => f.Length));
        });
        var disk = OnDisk();
        var scrape = await Scrapes.ScrapeUntilAsync(Server, s =>
        {
            disk = OnDisk();
            return fixture.DriveIds.All(d => s.Value("cairn_drive_fragments_counted_timestamp_seconds", ("drive", d)) > written
                && s.Value("cairn_drive_fragments", ("drive", d)) == disk[d].Files);
        }, TimeSpan.FromSeconds(20));
        foreach (var drive in fixture.DriveIds)
        {
            Assert.True(disk[drive].Files >= 4, $"{drive} holds {disk[drive].Files} fragments: every blob is coded 2+1 over the three drives");
            Assert.Equal(disk[drive].Bytes, scrape.Value("cairn_drive_fragment_bytes", ("drive", drive)));
        }

        // The admin API's cluster view shows the same counts, with each drive's node and the time of its count.
        var node = (await Server.AdminAsync("cluster")).GetProperty("nodes").EnumerateArray().Single();
        Assert.Equal("local", node.GetProperty("id").GetString());
        foreach (var drive in node.GetProperty("drives").EnumerateArray())
        {
            var id = drive.GetProperty("id").GetString()!;
            Assert.True(drive.GetProperty("fragments").GetInt64() >= 4);
            Assert.True(drive.GetProperty("countedAt").GetDateTimeOffset().ToUnixTimeSeconds() > written);
            Assert.EndsWith(id, drive.GetProperty("path").GetString()!);
        }
        // `cairn admin drives` lists every drive now: exact, with its node.
        var listed = (await Server.AdminAsync("drives")).EnumerateArray().ToDictionary(d => d.GetProperty("id").GetString()!);
        Assert.All(listed.Values, d => Assert.Equal("local", d.GetProperty("node").GetString()));
        Assert.Equal(fixture.DriveIds.Order(), listed.Keys.Order());
    }

    [Fact]
    public async Task Scrub_counts_the_fragments_it_verified_and_gc_the_blobs_it_freed()
    {
        var bucket = await fixture.NewBucketAsync("scrub");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", InputStream = new MemoryStream(new byte[50_000]) });
        var before = await Scrapes.ScrapeAsync(Server);
        using var http = new SignedHttp(Server);
        using var answer = await http.SendAsync(HttpMethod.Post, "/_cairn/admin/v1/scrub");
        var report = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var blobs = report.GetProperty("blobsScrubbed").GetInt64();
        Assert.True(blobs >= 1);
        var after = await Scrapes.ScrapeAsync(Server);
        // Every blob is coded 2+1: scrub reads three whole fragments of each.
        Assert.Equal(3 * blobs, after.Value("cairn_fragments_verified_total") - before.Value("cairn_fragments_verified_total"));
        Assert.Equal(1, after.Value("cairn_scrub_passes_total") - before.Value("cairn_scrub_passes_total"));
        // The pass's progress, done of total, as the admin API's scrub/progress reports it: the finished pass did all it counted.
        Assert.Equal(blobs, after.Value("cairn_scrub_pass_blobs_verified"));
        Assert.Equal(blobs, after.Value("cairn_scrub_pass_blobs"));
        Assert.Equal(report.GetProperty("bytesVerified").GetInt64(), after.Value("cairn_scrub_pass_verified_bytes"));
        Assert.Equal(after.Value("cairn_scrub_pass_bytes"), after.Value("cairn_scrub_pass_verified_bytes"));
        Assert.Equal(0, after.Value("cairn_scrub_running"));
        Assert.Equal(0, after.Value("cairn_fragments_lost_total") - before.Value("cairn_fragments_lost_total"));

        // An unversioned overwrite reaps the old blob; the GC frees it within a drain or two.
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", InputStream = new MemoryStream(new byte[50_000]) });
        await Scrapes.ScrapeUntilAsync(Server, s => s.Value("cairn_gc_freed_blobs_total") > after.Value("cairn_gc_freed_blobs_total"), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_signed_GET_of_metrics_is_S3s_bucket_listing()
    {
        using var http = new SignedHttp(Server);
        using var answer = await http.SendAsync(HttpMethod.Get, "/metrics");
        Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(answer));
    }
}
