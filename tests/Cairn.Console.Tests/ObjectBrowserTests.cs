using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Microsoft.Playwright;

namespace Cairn.WebConsole.Tests;

/// <summary>The buckets page, the object browser with its uploads, object details and versions, as a person uses them in chromium.</summary>
public sealed class ObjectBrowserTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Buckets_page_creates_a_bucket_toggles_versioning_and_refuses_to_delete_a_non_empty_one()
    {
        var page = await fixture.NewPageAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await fixture.SignInAsync(page);
        var name = ServerFixture.NewBucketName("made");
        await page.GetByLabel("New bucket").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create bucket" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Bucket {name} created.");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("Unversioned");

        await row.GetByRole(AriaRole.Button, new() { Name = $"Enable versioning of {name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("Enabled");
        Assert.Equal(VersionStatus.Enabled, (await S3.GetBucketVersioningAsync(name)).VersioningConfig.Status);

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "keep.txt", ContentBody = "x" });
        // The counts are the usage sampler's (every second here), never a walk on the page load: they follow within a sample or two.
        var objects = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name }).Locator("td").First;
        for (var i = 0; i < 40 && await objects.InnerTextAsync() != "1"; i++)
        {
            await Task.Delay(250);
            await page.ReloadAsync();
        }
        await Assertions.Expect(objects).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByRole(AriaRole.Table).Locator("caption")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"objects and sizes as of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"));
        await ConsoleFixture.ScreenshotAsync(page, "buckets");
        await ConsoleFixture.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete bucket {name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("BucketNotEmpty");
        Assert.Contains((await S3.ListBucketsAsync()).Buckets, b => b.BucketName == name);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Uploading_a_20_MiB_file_shows_its_progress_reaching_100_percent_and_retries_a_failed_part_alone()
    {
        var bucket = await fixture.NewBucketAsync("upload");
        using var temp = new TempDir("cairn-console-upload");
        var bytes = new byte[20 * 1024 * 1024];
        new Random(16).NextBytes(bytes);
        var file = temp.File("big.bin");
        await File.WriteAllBytesAsync(file, bytes);

        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        // The first try of part 2 fails on the way (as a dropped connection would): the page must send that part again,
        // under the same upload id, and nothing else twice.
        var tries = new Dictionary<string, int>();
        var uploadIds = new HashSet<string>();
        var starts = 0;
        await page.RouteAsync("**/console/api/uploads**", async route =>
        {
            var url = new Uri(route.Request.Url);
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            if (url.AbsolutePath.EndsWith("/uploads", StringComparison.Ordinal) && route.Request.Method == "POST") Interlocked.Increment(ref starts);
            if (url.AbsolutePath.EndsWith("/uploads/parts", StringComparison.Ordinal))
            {
                var part = query["partNumber"]!;
                lock (tries) { tries[part] = tries.GetValueOrDefault(part) + 1; uploadIds.Add(query["uploadId"]!); }
                if (part == "2" && tries[part] == 1)
                {
                    await route.AbortAsync("connectionreset");
                    return;
                }
            }
            await route.ContinueAsync();
        });
        await page.GotoAsync(fixture.Url($"/buckets/{bucket}"));
        await page.GetByLabel("Upload files").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "Upload of big.bin" });
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "100", new() { Timeout = 60_000 });

        Assert.Equal(1, starts);
        Assert.Single(uploadIds);
        Assert.Equal(new Dictionary<string, int> { ["1"] = 1, ["2"] = 2, ["3"] = 1 }, tries);
        using var got = await S3.GetObjectAsync(bucket, "big.bin");
        Assert.EndsWith("-3\"", got.ETag);
        using var sha = SHA256.Create();
        Assert.Equal(SHA256.HashData(bytes), await SHA256.HashDataAsync(got.ResponseStream));

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "big.bin", Exact = true })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_prefix_of_thousands_of_objects_is_browsed_a_page_at_a_time_with_one_listing_call()
    {
        var bucket = await fixture.NewBucketAsync("many");
        await PutManyAsync(bucket, "logs/", 1_000);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/2026/deep.txt", ContentBody = "deep" });

        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        var response = await page.GotoAsync(fixture.Url($"/buckets/{bucket}?prefix=logs%2F"));
        Assert.Equal(["s3-ListObjectsV2"], S3Calls(await response!.HeaderValueAsync("server-timing")));
        var rows = page.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(ListingPageSize);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "2026/", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumbs" })).ToContainTextAsync("logs");
        await ConsoleFixture.ScreenshotAsync(page, "object-browser");
        await ConsoleFixture.AssertAccessibleAsync(page);

        var firstOnPageOne = await rows.Nth(1).Locator("th").InnerTextAsync();
        var next = await page.RunAndWaitForResponseAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync(),
            r => r.Url.Contains("token=", StringComparison.Ordinal));
        Assert.Equal(["s3-ListObjectsV2"], S3Calls(await next.HeaderValueAsync("server-timing")));
        await Assertions.Expect(rows).ToHaveCountAsync(ListingPageSize);
        Assert.NotEqual(firstOnPageOne, await rows.Nth(0).Locator("th").InnerTextAsync());

        // Search narrows this page's entries only, and says so.
        await page.GetByLabel("Search this page").FillAsync("object-00250");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("caption")).ToContainTextAsync("Sort and search apply to this page only");

        // Into a folder by its link, and back by the breadcrumbs.
        await page.GotoAsync(fixture.Url($"/buckets/{bucket}?prefix=logs%2F"));
        await page.GetByRole(AriaRole.Link, new() { Name = "2026/", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "deep.txt", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Breadcrumbs" }).GetByRole(AriaRole.Link, new() { Name = "logs", Exact = true }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(ListingPageSize);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Object_page_shows_the_details_edits_tags_and_makes_a_presigned_link()
    {
        var bucket = await fixture.NewBucketAsync("details");
        var put = new PutObjectRequest { BucketName = bucket, Key = "docs/report.txt", ContentBody = "quarterly", ContentType = "text/plain", ChecksumAlgorithm = ChecksumAlgorithm.CRC32 };
        put.Metadata["owner"] = "ops";
        await S3.PutObjectAsync(put);

        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync(fixture.Url($"/buckets/{bucket}?prefix=docs%2F"));
        await page.GetByRole(AriaRole.Link, new() { Name = "report.txt", Exact = true }).ClickAsync();
        var head = await S3.GetObjectMetadataAsync(bucket, "docs/report.txt");
        await Assertions.Expect(page.Locator("dl.facts").First).ToContainTextAsync(head.ETag);
        await Assertions.Expect(page.Locator("dl.facts").First).ToContainTextAsync("text/plain");
        await Assertions.Expect(page.Locator("dl.facts").Nth(1)).ToContainTextAsync("ops");
        await Assertions.Expect(page.Locator("ol.ladder li[aria-current=true]")).ToContainTextAsync("STANDARD");

        await page.GetByLabel("One key=value a line").FillAsync("team=storage\nstage=final");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save tags" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Tags saved.");
        var tags = (await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "docs/report.txt" })).Tagging;
        Assert.Equal(["stage=final", "team=storage"], tags.Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));

        await page.GetByLabel("Presigned link valid for").SelectOptionAsync("900");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create link" }).ClickAsync();
        var link = await page.GetByLabel("Link (until").InputValueAsync();
        Assert.Contains("X-Amz-Expires=900", link);
        using (var http = new HttpClient(fixture.Server.SocketsHandler()))
            Assert.Equal("quarterly", await http.GetStringAsync(link));
        await ConsoleFixture.ScreenshotAsync(page, "object");
        await ConsoleFixture.AssertAccessibleAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Versions_page_lists_versions_and_markers_and_restores_a_previous_version()
    {
        var bucket = await fixture.NewBucketAsync("versions", versioned: true);
        var first = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes.txt", ContentBody = "first draft" });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes.txt", ContentBody = "second draft" });
        await S3.DeleteObjectAsync(bucket, "notes.txt");

        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await page.GotoAsync(fixture.Url($"/buckets/{bucket}/versions?key=notes.txt"));
        var rows = page.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.First).ToContainTextAsync("Delete marker (current)");
        await ConsoleFixture.ScreenshotAsync(page, "versions");
        await ConsoleFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Restore version {first.VersionId}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("restored");
        await Assertions.Expect(rows).ToHaveCountAsync(4);
        await Assertions.Expect(rows.First).ToContainTextAsync("Version (current)");
        using var current = await S3.GetObjectAsync(bucket, "notes.txt");
        Assert.Equal("first draft", await new StreamReader(current.ResponseStream).ReadToEndAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_missing_bucket_shows_S3s_error_with_its_status()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        var response = await page.GotoAsync(fixture.Url($"/buckets/{ServerFixture.NewBucketName("absent")}"));
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("NoSuchBucket");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private const int ListingPageSize = 200;

    /// <summary>The s3-OPERATION names of a Server-Timing header, in order.</summary>
    private static string[] S3Calls(string? serverTiming) =>
        (serverTiming ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => e.Split(';')[0]).ToArray();

    /// <summary>Puts <paramref name="count"/> small objects under <paramref name="prefix"/>, many at a time.</summary>
    private async Task PutManyAsync(string bucket, string prefix, int count) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"{prefix}object-{i:D5}", ContentBody = Encoding.ASCII.GetString([(byte)('a' + i % 26)]) }, ct));
}
