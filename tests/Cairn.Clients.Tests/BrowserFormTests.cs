using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Cairn.Testing;
using Microsoft.Playwright;
using static Cairn.Testing.PostForms;

namespace Cairn.Clients.Tests;

/// <summary>
/// PostObject as a person uses it: an HTML form (hidden policy fields, a file chooser, a submit button after the
/// file) on a web page, filled in and submitted by a real browser, chromium, which encodes and sends it itself.
/// </summary>
public sealed class BrowserFormTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-browser");

    public void Dispose() => temp.Dispose();

    private AmazonS3Client S3 => fixture.S3;

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("browser");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>The upload page: every field hidden, then the file chooser, then a named submit button (sent after the file, so ignored).</summary>
    private static string Page(string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var html = new StringBuilder($"<!doctype html><html><body><form id=\"upload\" action=\"{WebUtility.HtmlEncode(action)}\" method=\"post\" enctype=\"multipart/form-data\">\n");
        foreach (var (name, value) in fields)
            html.Append($"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(name)}\" value=\"{WebUtility.HtmlEncode(value)}\">\n");
        html.Append("<input type=\"file\" name=\"file\">\n<input type=\"submit\" name=\"submit\" value=\"Upload to Cairn\">\n</form></body></html>");
        return html.ToString();
    }

    /// <summary>
    /// Opens the upload page as a web site on this machine serves it, chooses the file and submits; returns the
    /// status and body the browser got from Cairn and the URL it ended on (the site's, after a redirect).
    /// </summary>
    private async Task<(int Status, string Body, string Url)> SubmitAsync(string bucket, Func<string, IEnumerable<KeyValuePair<string, string>>> fields, string filePath)
    {
        using var site = new UploadSite();
        site.Html = Page($"{fixture.Server.Endpoint}/{bucket}", fields(site.Url));
        await using var context = await fixture.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Url + "/form");
        await page.SetInputFilesAsync("input[type=file]", filePath);
        var answer = page.WaitForResponseAsync(r => r.Url.StartsWith(fixture.Server.Endpoint));
        await page.ClickAsync("input[type=submit]");
        var response = await answer;
        // The page the browser ends on: Cairn's answer itself, or where its redirect sent it.
        await page.WaitForURLAsync(url => !url.StartsWith(site.Url + "/form"));
        var body = response.Status is >= 300 and < 400 ? "" : await response.TextAsync();
        return (response.Status, body, page.Url);
    }

    /// <summary>A web site on 127.0.0.1: the upload page at /form, a thank-you page anywhere else.</summary>
    private sealed class UploadSite : IDisposable
    {
        private readonly HttpListener listener = new();

        public UploadSite()
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}";
            listener.Prefixes.Add(Url + "/");
            listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public string Html { get; set; } = "";

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception) when (!listener.IsListening)
                {
                    return;
                }
                var isForm = context.Request.Url!.AbsolutePath == "/form";
                var bytes = Encoding.UTF8.GetBytes(isForm ? Html : "<!doctype html><p>Thank you</p>");
                context.Response.ContentType = "text/html; charset=utf-8";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            listener.Stop();
            listener.Close();
        }
    }

    private string WriteFile(string name, byte[] data)
    {
        var path = Path.Combine(temp.Sub(Guid.NewGuid().ToString("N")), name);
        File.WriteAllBytes(path, data);
        return path;
    }

    private async Task<byte[]> ReadAsync(string bucket, string key)
    {
        using var get = await S3.GetObjectAsync(bucket, key);
        return await get.ResponseStream.ReadAllBytesAsync();
    }

    [Fact]
    public async Task Chromium_uploads_the_chosen_file_under_its_own_name_and_shows_the_PostResponse()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var path = WriteFile("holiday photo.jpg", data);
        var fields = Signed(bucket, [F("key", "photos/${filename}"), F("Content-Type", "image/jpeg"), F("success_action_status", "201"), F("x-amz-meta-album", "summer")],
            ["[\"starts-with\", \"$key\", \"photos/\"]", "[\"content-length-range\", 1, 10485760]"], unconditioned: ["key"]);

        var (status, body, _) = await SubmitAsync(bucket, _ => fields, path);

        Assert.Equal(201, status);
        var root = XDocument.Parse(body).Root!;
        Assert.Equal("photos/holiday photo.jpg", root.Element("Key")!.Value);
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"", root.Element("ETag")!.Value);
        Assert.Equal(data, await ReadAsync(bucket, "photos/holiday photo.jpg"));
        var head = await S3.GetObjectMetadataAsync(bucket, "photos/holiday photo.jpg");
        Assert.Equal(("image/jpeg", "summer"), (head.Headers.ContentType, head.Metadata["album"]));
    }

    [Fact]
    public async Task Chromium_follows_success_action_redirect_back_to_the_site_with_bucket_key_and_etag()
    {
        var bucket = await NewBucketAsync();
        var data = Encoding.UTF8.GetBytes("a note from the browser");
        string? site = null;

        var (status, _, url) = await SubmitAsync(bucket, siteUrl =>
        {
            site = siteUrl;
            return Signed(bucket, [F("key", "notes/note.txt"), F("success_action_redirect", siteUrl + "/done")]);
        }, WriteFile("note.txt", data));

        Assert.Equal(303, status);
        var etag = "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";
        Assert.Equal($"{site}/done?bucket={bucket}&key=notes%2Fnote.txt&etag={Uri.EscapeDataString(etag)}", url);
        Assert.Equal(data, await ReadAsync(bucket, "notes/note.txt"));
    }

    [Fact]
    public async Task Chromium_shows_S3_s_error_for_a_file_over_the_policy_s_range_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "too-big.bin")], ["[\"content-length-range\", 0, 1024]"]);

        var (status, body, _) = await SubmitAsync(bucket, _ => fields, WriteFile("too-big.bin", RandomNumberGenerator.GetBytes(200_000)));

        Assert.Equal(400, status);
        Assert.Equal("EntityTooLarge", XDocument.Parse(body).Root!.Element("Code")!.Value);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "too-big.bin"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Chromium_shows_AccessDenied_for_an_expired_form()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "late.txt")], expiration: DateTimeOffset.UtcNow.AddMinutes(-1));

        var (status, body, _) = await SubmitAsync(bucket, _ => fields, WriteFile("late.txt", "late"u8.ToArray()));

        Assert.Equal(403, status);
        var error = XDocument.Parse(body).Root!;
        Assert.Equal(("AccessDenied", "Invalid according to Policy: Policy expired."), (error.Element("Code")!.Value, error.Element("Message")!.Value));
    }
}
