using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Microsoft.Playwright;

namespace Cairn.WebConsole.Tests;

/// <summary>
/// The console's server for the operator's pages: drives counted (swept) every second, and scrub slowed to 32 KiB/s so a pass
/// lasts long enough to be watched.
/// </summary>
public sealed class OperatorPagesFixture : ConsoleFixture
{
    protected override string[] ServerArguments => [.. base.ServerArguments, "--gc-interval", "00:00:01", "--scrub-rate", "32768", "--scrub-interval", "0"];
}

/// <summary>The operator's pages, as root sees them: storage and durability, usage and billing, activity.</summary>
public sealed partial class OperatorPagesTests(OperatorPagesFixture fixture) : IClassFixture<OperatorPagesFixture>
{
    [Fact]
    public async Task Storage_page_lists_the_drives_and_draws_the_durability_race()
    {
        var bucket = await fixture.NewBucketAsync("storage");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = new string('x', 40_000) });
        // The page shows times to the second: a count in the second after this one surely saw the PUT's fragments.
        var now = DateTimeOffset.UtcNow;
        var written = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddSeconds(1);
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await OpenAsync(page, "Storage", "/storage");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Storage and durability", Level = 1 })).ToBeVisibleAsync();

        var drives = page.GetByRole(AriaRole.Table).Filter(new() { Has = page.GetByRole(AriaRole.Columnheader, new() { Name = "Fragment bytes" }) });
        var rows = drives.Locator("tbody tr");
        Assert.True(await rows.CountAsync() >= 1);
        await Assertions.Expect(rows.First.Locator("td").Nth(1)).ToHaveTextAsync("online");
        // The object's fragments are on the drives: the table counts them as of each drive's last count (a sweep a second
        // here), shown with its time; a reload shows the next count, one taken after the PUT.
        var fragments = 0L;
        var counted = DateTimeOffset.MinValue;
        for (var attempt = 0; attempt < 20 && counted < written; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(500);
                await page.ReloadAsync();
            }
            var cells = rows.First.Locator("td");
            counted = DateTimeOffset.ParseExact(await cells.Nth(4).InnerTextAsync(), "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            fragments = 0;
            for (var i = 0; i < await rows.CountAsync(); i++)
                fragments += long.Parse(await rows.Nth(i).Locator("td").Nth(2).InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        }
        Assert.True(counted >= written, $"the last count is from {counted:O}, before the PUT at {written:O}");
        Assert.True(fragments >= 1, $"{fragments} fragments listed");

        var chart = page.GetByRole(AriaRole.Img, new() { Name = "Fragments lost and rebuilt over time" });
        await Assertions.Expect(chart).ToBeVisibleAsync();
        // A line each for lost, rebuilt and the repair queue: the node's sample at start and the one taken now.
        await Assertions.Expect(chart.Locator("polyline")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByText("Estimated durability")).ToBeVisibleAsync();
        await ConsoleFixture.AssertAccessibleAsync(page);
        await ConsoleFixture.ScreenshotAsync(page, "storage");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Start_scrub_button_runs_a_pass_and_the_page_follows_its_progress()
    {
        var bucket = await fixture.NewBucketAsync("scrub");
        for (var i = 0; i < 3; i++)
            await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"o{i}", ContentBody = new string('s', 40_000) });
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync(fixture.Url("/storage"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start scrub", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Scrub started.");
        var pass = page.Locator("section.progress h3");
        await Assertions.Expect(pass).ToHaveTextAsync(new Regex(@"^Pass \d+ \(scrub\): "));
        // At 32 KiB/s the pass takes seconds: the page opens on it running, buttons off.
        await Assertions.Expect(page.Locator("section.progress[data-running=true]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start scrub", Exact = true })).ToBeDisabledAsync();
        // The page follows the pass in place (the section fetched again each second), without reloading: a mark left on
        // this document is still there once the pass is over, and the section climbed to idle with every blob scrubbed.
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        await Assertions.Expect(pass).ToHaveTextAsync(new Regex(@"\(scrub\): scrubbing$"));
        await Assertions.Expect(pass).ToHaveTextAsync(new Regex(@"\(scrub\): idle$"), new() { Timeout = 30_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "the page reloaded to follow the pass");
        var scrubbed = MatchCount().Match(await page.Locator("section.progress dd").First.InnerTextAsync());
        Assert.True(scrubbed.Success);
        Assert.Equal(scrubbed.Groups[1].Value, scrubbed.Groups[2].Value);
        Assert.True(long.Parse(scrubbed.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) >= 3);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start scrub", Exact = true })).ToBeEnabledAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Usage_page_charts_bytes_over_time_from_the_history_keeps_the_table_and_both_csvs_download_and_parse()
    {
        var bucket = await fixture.NewBucketAsync("usage");
        for (var i = 0; i < 2; i++)
            await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"u{i}", ContentBody = new string('u', 10_000) });
        await fixture.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "ia", ContentBody = new string('i', 30_000), StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        await WaitForSampleOfAsync(bucket, objects: 3);
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await OpenAsync(page, "Usage", "/usage");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = bucket }) });
        await Assertions.Expect(row).ToHaveCountAsync(2);
        await Assertions.Expect(row.First.Locator("td").First).ToHaveTextAsync("STANDARD");

        // Bytes per class over time: a line a class, from the history's first sample (the node started empty) to now.
        var bytes = page.GetByRole(AriaRole.Img, new() { Name = "Bytes per storage class over time" });
        await Assertions.Expect(bytes).ToBeVisibleAsync();
        await Assertions.Expect(bytes.GetByText("STANDARD", new() { Exact = true })).ToHaveCountAsync(1);
        await Assertions.Expect(bytes.GetByText("STANDARD_IA", new() { Exact = true })).ToHaveCountAsync(1);
        var standard = (await bytes.Locator("polyline.s0").GetAttributeAsync("points"))!.Split(' ')
            .Select(p => double.Parse(p.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(standard.Length >= 2, $"{standard.Length} points");
        Assert.True(standard[^1] < standard[0], "the STANDARD line rises from the empty node's first sample");
        var perDay = page.GetByRole(AriaRole.Img, new() { Name = "Byte-days per day" });
        await Assertions.Expect(perDay).ToBeVisibleAsync();
        Assert.True(await perDay.Locator("rect.bar").CountAsync() >= 1);
        await ConsoleFixture.AssertAccessibleAsync(page);
        await ConsoleFixture.ScreenshotAsync(page, "usage");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download CSV", Exact = true }).ClickAsync());
        Assert.Matches(@"^usage-\d{8}-\d{6}\.csv$", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n");
        Assert.Equal("bucket,storage_class,stored_byte_days,noncurrent_byte_days,early_delete_byte_days,incomplete_upload_byte_days,cost,incomplete_upload_bytes", lines[0]);
        Assert.Equal("", lines[^1]);
        var fields = lines.First(l => l.StartsWith(bucket + ",", StringComparison.Ordinal)).Split(',');
        Assert.Equal(8, fields.Length);
        Assert.Equal("STANDARD", fields[1]);
        Assert.True(double.Parse(fields[2], CultureInfo.InvariantCulture) > 0, "stored byte-days accrue from the first second");
        decimal.Parse(fields[6], CultureInfo.InvariantCulture);
        Assert.Equal("0", fields[7]);

        // The download as a response: its type and its name.
        var response = await page.Context.APIRequest.GetAsync(fixture.Url("/usage?handler=csv"));
        Assert.Equal(200, response.Status);
        Assert.Equal("text/csv; charset=utf-8", response.Headers["content-type"]);
        Assert.Matches(@"^attachment; filename=usage-\d{8}-\d{6}\.csv; filename\*=UTF-8''usage-\d{8}-\d{6}\.csv$", response.Headers["content-disposition"]);

        // The history: every sample, per bucket and class; the bucket's latest STANDARD line holds its two objects.
        var history = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download history CSV" }).ClickAsync());
        Assert.Matches(@"^usage-history-\d{8}-\d{6}\.csv$", history.SuggestedFilename);
        var samples = (await File.ReadAllTextAsync((await history.PathAsync())!)).Split("\r\n");
        Assert.Equal("at,bucket,storage_class,objects,current_bytes,noncurrent_bytes,incomplete_upload_bytes,"
            + "stored_byte_days,noncurrent_byte_days,incomplete_upload_byte_days,early_delete_byte_days", samples[0]);
        var latest = samples.Last(l => l.Contains($",{bucket},STANDARD,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(11, latest.Length);
        DateTimeOffset.Parse(latest[0], CultureInfo.InvariantCulture);
        Assert.Equal(("2", "20000"), (latest[3], latest[4]));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Activity_page_shows_the_tests_put_and_filters_failures()
    {
        var bucket = await fixture.NewBucketAsync("activity");
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "audited.txt", ContentBody = "hello" });
        var missing = ConsoleFixture.NewBucketName("nobucket");
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = missing, Key = "k", ContentBody = "x" }));
        Assert.Equal("NoSuchBucket", refused.ErrorCode);

        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await OpenAsync(page, "Activity", "/activity");
        await page.GetByLabel("Bucket", new() { Exact = true }).FillAsync(bucket);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var put = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "PutObject" }) });
        await Assertions.Expect(put).ToHaveCountAsync(1);
        await Assertions.Expect(put.GetByText("audited.txt")).ToBeVisibleAsync();
        await Assertions.Expect(put.GetByText("arn:aws:iam::", new() { Exact = false })).ToBeVisibleAsync();
        await ConsoleFixture.AssertAccessibleAsync(page);
        await ConsoleFixture.ScreenshotAsync(page, "activity");

        // Failures only: the PUT to a bucket that does not exist, with S3's answer; the successful PUT is left out.
        await page.GetByLabel("Bucket", new() { Exact = true }).FillAsync(missing);
        await page.GetByLabel("Failures only").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "404 NoSuchBucket" })).ToHaveCountAsync(1);
        await page.GetByLabel("Bucket", new() { Exact = true }).FillAsync(bucket);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No entries.")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>Waits until the node's usage sampler (every second here) has measured the bucket's objects.</summary>
    private async Task WaitForSampleOfAsync(string bucket, long objects)
    {
        using var http = new SignedHttp(fixture.Server);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            using var answer = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/usage/latest");
            var classes = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("samples").EnumerateArray()
                .SelectMany(s => s.GetProperty("classes").EnumerateArray()).Where(c => c.GetProperty("bucket").GetString() == bucket);
            if (classes.Sum(c => c.GetProperty("objects").GetInt64()) == objects) return;
        }
        throw new TimeoutException($"The usage sampler did not measure {bucket} within 30 s.");
    }

    /// <summary>The page is in the navigation bar (root sees it) and its link opens it.</summary>
    private async Task OpenAsync(IPage page, string title, string path)
    {
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = title, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(fixture.Url(path));
    }

    [GeneratedRegex(@"^([\d,]+) of ([\d,]+)$")]
    private static partial Regex MatchCount();
}
