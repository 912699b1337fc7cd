using System.Globalization;
using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Cairn.Workers.Usage;

namespace Cairn.Node.Tests;

/// <summary>A server that measures usage every second, with a clock day of 10 s (byte-days grow while a test watches).</summary>
public sealed class UsageServerFixture : ServerFixture
{
    protected override string[] ServerArguments => ["--usage-interval", "1s", "--day-seconds", "10"];
}

/// <summary>
/// The usage sampler's history on a real server: samples that follow real PUTs and DELETEs, byte-days and early-delete
/// charges, kept across a kill -9, served by the admin API to root alone and printed by `cairn admin usage --history`.
/// </summary>
public sealed class UsageHistoryTests(UsageServerFixture fixture) : IClassFixture<UsageServerFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task History_follows_puts_and_deletes_with_byte_days_and_early_delete_charges()
    {
        var bucket = await fixture.NewBucketAsync("hist");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", InputStream = new MemoryStream(new byte[10_000]) });
        var one = await SampleWhereAsync(bucket, c => c.Standard is { Objects: 1, CurrentBytes: 10_000 });

        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", InputStream = new MemoryStream(new byte[20_000]) });
        var two = await SampleWhereAsync(bucket, c => c.Standard is { Objects: 2, CurrentBytes: 30_000 });
        Assert.True(two.At > one.At);
        // Byte-days accrue from the first second: more bytes, more time, more byte-days.
        Assert.True(two.Standard!.CurrentByteDays > one.Standard!.CurrentByteDays, $"{two.Standard.CurrentByteDays} after {one.Standard.CurrentByteDays}");

        await fixture.S3.DeleteObjectAsync(bucket, "a");
        var deleted = await SampleWhereAsync(bucket, c => c.Standard is { Objects: 1, CurrentBytes: 20_000 });
        // The deleted object's byte-days are closed into the ledger, not lost.
        Assert.True(deleted.Standard!.CurrentByteDays >= two.Standard.CurrentByteDays);

        // STANDARD_IA has a 30-day minimum (300 s here): deleted at once, the days left are charged at its 128 KiB minimum size.
        await fixture.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "ia", InputStream = new MemoryStream(new byte[1_000]), StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        await SampleWhereAsync(bucket, c => c.Ia is { Objects: 1, CurrentBytes: 1_000 });
        await fixture.S3.DeleteObjectAsync(bucket, "ia");
        var early = await SampleWhereAsync(bucket, c => c.Ia is { Objects: 0, EarlyDeleteByteDays: > 0 });
        Assert.InRange(early.Ia!.EarlyDeleteByteDays, 128 * 1024 * 25.0, 128 * 1024 * 30.0);

        // The CLI prints the same history; --from leaves out what came before.
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "usage", "--history", "--bucket", bucket, "--json", "--endpoint", Server.Endpoint));
        Assert.True(result.ExitCode == 0, result.ToString());
        var printed = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("samples").EnumerateArray().ToArray();
        Assert.Contains(printed, s => s.GetProperty("at").GetDateTimeOffset() == deleted.At);
        Assert.All(printed.SelectMany(s => s.GetProperty("classes").EnumerateArray()), c => Assert.Equal(bucket, c.GetProperty("bucket").GetString()));
        var since = await HistoryAsync($"bucket={bucket}&from={Uri.EscapeDataString(two.At.ToString("o", CultureInfo.InvariantCulture))}");
        Assert.Equal(two.At, since[0].At);
    }

    [Fact]
    public async Task History_survives_a_kill_and_goes_on_after_the_restart()
    {
        var bucket = await fixture.NewBucketAsync("restart");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(new byte[5_000]) });
        var before = await SampleWhereAsync(bucket, c => c.Standard is { Objects: 1 });
        var recorded = (await HistoryAsync("bucket=" + bucket)).Select(s => s.At).ToArray();

        await Server.RestartAsync();
        var after = await SampleWhereAsync(bucket, c => c.Standard is { Objects: 1 } && c.At > before.At.AddSeconds(1));
        var kept = (await HistoryAsync("bucket=" + bucket)).Select(s => s.At).ToArray();
        Assert.Equal(recorded, kept.Take(recorded.Length));
        Assert.Contains(after.At, kept);
        Assert.True(File.Exists(Path.Combine(Server.DataPath, "usage", UsageHistory.FileName)));
    }

    [Fact]
    public async Task Admin_history_is_root_only_and_refuses_a_bad_time()
    {
        var user = await IamUser.CreateAsync(Server, "usage", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        using (var asUser = new SignedHttp(Server, user.AccessKeyId, user.SecretAccessKey))
        {
            using var refused = await asUser.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/history");
            Assert.Equal((403, "AccessDenied"), await SignedHttp.ErrorOf(refused));
            using var latest = await asUser.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/latest");
            Assert.Equal((403, "AccessDenied"), await SignedHttp.ErrorOf(latest));
        }
        using var http = new SignedHttp(Server);
        using var badTime = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/history?from=yesterday");
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(badTime));
        using var ok = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/history?group=class");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var classes = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.GetProperty("samples").EnumerateArray()
            .SelectMany(s => s.GetProperty("classes").EnumerateArray());
        Assert.All(classes, c => Assert.Equal(UsageSample.AllBuckets, c.GetProperty("bucket").GetString()));
    }

    [Fact]
    public async Task Sampled_bill_prices_the_latest_sample_without_a_walk()
    {
        var bucket = await fixture.NewBucketAsync("bill");
        var other = await fixture.NewBucketAsync("other");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = other, Key = "k", InputStream = new MemoryStream(new byte[50_000]) });
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(new byte[50_000]) });
        await SampleWhereAsync(bucket, c => c.Standard is { Objects: 1, CurrentByteDays: > 0 });
        using var http = new SignedHttp(Server);
        // The bill and the sample it prices are read one after the other: a sample may come in between, so both are read again then.
        for (var attempt = 0; ; attempt++)
        {
            using var latestAnswer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/latest");
            var latest = JsonDocument.Parse(await latestAnswer.Content.ReadAsStringAsync()).RootElement.GetProperty("samples")[0];
            using var billAnswer = await http.SendAsync(HttpMethod.Get, $"/_cairn/admin/v1/billing?sample=latest&bucket={bucket}");
            Assert.Equal(HttpStatusCode.OK, billAnswer.StatusCode);
            var bill = JsonDocument.Parse(await billAnswer.Content.ReadAsStringAsync()).RootElement;
            if (bill.GetProperty("at").GetDateTimeOffset() != latest.GetProperty("at").GetDateTimeOffset() && attempt < 5) continue;
            Assert.Equal(latest.GetProperty("at").GetDateTimeOffset(), bill.GetProperty("at").GetDateTimeOffset());
            var standard = latest.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("bucket").GetString() == bucket);
            var line = Assert.Single(bill.GetProperty("lines").EnumerateArray());
            Assert.Equal((bucket, "STANDARD", "current"), (line.GetProperty("bucket").GetString(), line.GetProperty("storageClass").GetString(), line.GetProperty("kind").GetString()));
            Assert.Equal(standard.GetProperty("currentByteDays").GetDouble(), line.GetProperty("byteDays").GetDouble());
            break;
        }
        using var bad = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/billing?sample=yesterday");
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(bad));
    }

    [Fact]
    public void Thinning_keeps_recent_samples_and_the_last_of_each_older_day()
    {
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var options = new UsageOptions { DetailedFor = TimeSpan.FromDays(2), DailyFor = TimeSpan.FromDays(10) };
        var samples = Enumerable.Range(0, 15 * 24).Select(h => now.AddHours(-15 * 24 + h + 1)).ToArray(); // hourly, 15 days up to now
        var kept = UsageHistory.Thin(samples, at => at, now, options).ToArray();
        Assert.Equal(kept.Order(), kept);
        Assert.Equal(samples.Where(at => at >= now.AddDays(-2)), kept.Where(at => at >= now.AddDays(-2)));
        var older = kept.Where(at => at < now.AddDays(-2)).ToArray();
        Assert.All(older, at => Assert.True(at >= now.AddDays(-10)));
        // One a day: the day's last hour (23:00), or the last before the detailed window on the day it starts.
        Assert.Equal(older.Length, older.Select(at => at.UtcDateTime.Date).Distinct().Count());
        Assert.All(older.SkipLast(1), at => Assert.Equal(23, at.Hour));
        Assert.Equal(9, older.Length); // Nov 20 (from 12:00, ten days back) to Nov 28 (up to 11:00)
    }

    [Fact]
    public void Nodes_shares_add_up_at_each_instant_and_a_stale_share_does_not_count()
    {
        var t = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        static UsageSample Share(DateTimeOffset at, string bucket, long objects) =>
            new(at, 0.5, [new Cairn.Index.Billing.ClassUsage(bucket, "STANDARD", objects, objects * 10, 0, 0, objects, 0, 0, 0)]);
        var interval = TimeSpan.FromMinutes(5);
        var n1 = new[] { Share(t, "a", 1), Share(t + interval, "a", 2), Share(t + 2 * interval, "a", 3) };
        // n2 restarted: its first sample falls between the boundaries, then it is on them again.
        var n2 = new[] { Share(t, "a", 10), Share(t + interval + TimeSpan.FromSeconds(7), "b", 5), Share(t + 2 * interval, "b", 6) };
        // n3 went down after its first sample: three intervals on, it no longer counts.
        var n3 = new[] { Share(t, "a", 100) };
        var sums = UsageShares.Sum([n1, n2, n3], 2 * interval);
        Assert.Equal([t, t + interval, t + interval + TimeSpan.FromSeconds(7), t + 2 * interval], sums.Select(s => s.At));
        string Figures(UsageSample s) => string.Join(" ", s.Classes.Select(c => $"{c.Bucket}:{c.Objects}/{c.CurrentBytes}"));
        Assert.Equal(["a:111/1110", "a:112/1120", "a:102/1020 b:5/50", "a:3/30 b:6/60"], sums.Select(Figures));
    }

    [Fact]
    public void A_line_cut_short_by_a_crash_is_dropped_at_start_and_the_next_sample_appends_after_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cairn-usage-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var now = DateTimeOffset.UtcNow;
            var history = new UsageHistory(folder, new UsageOptions(), now);
            history.Append(new UsageSample(now, 0.1, []));
            File.AppendAllText(history.Path, "{\"at\":\"2026-11-30T12:");
            var reopened = new UsageHistory(folder, new UsageOptions(), now);
            reopened.Append(new UsageSample(now.AddSeconds(1), 0.1, []));
            Assert.Equal([now, now.AddSeconds(1)], reopened.Read().Select(s => s.At));
            Assert.Equal(2, File.ReadAllLines(history.Path).Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The figures of one bucket in one sample: its STANDARD and STANDARD_IA classes.</summary>
    private sealed record BucketSample(DateTimeOffset At, ClassFigures? Standard, ClassFigures? Ia);

    private sealed record ClassFigures(long Objects, long CurrentBytes, double CurrentByteDays, double EarlyDeleteByteDays);

    private async Task<BucketSample[]> HistoryAsync(string query)
    {
        using var http = new SignedHttp(Server);
        using var answer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/history?" + query);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("samples").EnumerateArray().Select(s =>
        {
            ClassFigures? Of(string storageClass) => s.GetProperty("classes").EnumerateArray().Where(c => c.GetProperty("storageClass").GetString() == storageClass)
                .Select(c => new ClassFigures(c.GetProperty("objects").GetInt64(), c.GetProperty("currentBytes").GetInt64(),
                    c.GetProperty("currentByteDays").GetDouble(), c.GetProperty("earlyDeleteByteDays").GetDouble()))
                .SingleOrDefault();
            return new BucketSample(s.GetProperty("at").GetDateTimeOffset(), Of("STANDARD"), Of("STANDARD_IA"));
        }).ToArray();
    }

    /// <summary>The first sample of the bucket's history that matches, waited for (a sample a second).</summary>
    private async Task<BucketSample> SampleWhereAsync(string bucket, Func<BucketSample, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if ((await HistoryAsync("bucket=" + bucket)).FirstOrDefault(match) is { } sample) return sample;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No sample of {bucket} matched within 30 s.");
            await Task.Delay(250);
        }
    }
}
