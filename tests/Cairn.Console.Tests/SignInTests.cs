using System.Net;
using Cairn.Testing;
using Microsoft.Playwright;

namespace Cairn.WebConsole.Tests;

/// <summary>Signing in and out, and the security rules of the console's sessions and responses.</summary>
public sealed class SignInTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task Sign_in_with_a_wrong_secret_shows_invalid_credentials()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Url("/sign-in"));
        await ConsoleFixture.ScreenshotAsync(page, "sign-in");
        await ConsoleFixture.AssertAccessibleAsync(page);
        await page.GetByLabel("Access key id").FillAsync(ServerProcess.AccessKey);
        await page.GetByLabel("Secret access key").FillAsync("not-the-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Invalid credentials.");
        Assert.EndsWith("/console/sign-in", page.Url);
        await page.Context.CloseAsync();

        // The failed sign-in is in the audit log: who tried, and why the node refused.
        using var admin = new SignedHttp(fixture.Server);
        using var response = await admin.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/audit?api=console&failures=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("entries");
        Assert.Contains(entries.EnumerateArray(), e => e.GetProperty("action").GetString() == "SignIn"
            && e.GetProperty("actor").GetString() == ServerProcess.AccessKey
            && e.GetProperty("status").GetInt32() == 403
            && e.GetProperty("errorCode").GetString() == "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task Sign_in_leads_to_the_buckets_and_sign_out_ends_the_session()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Buckets" })).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "cairn-console-session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/console", cookie.Path);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync("**/console/sign-in");
        // The old cookie, replayed by hand, opens nothing: the session is gone on the server.
        using var http = new HttpClient(fixture.Server.SocketsHandler());
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Url("/buckets"));
        request.Headers.Add("Cookie", $"cairn-console-session={cookie.Value}");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/console/sign-in", response.Headers.Location!.ToString());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Every_response_refuses_framing_and_sends_no_referrer()
    {
        var page = await fixture.NewPageAsync();
        var signIn = await page.GotoAsync(fixture.Url("/sign-in"));
        await fixture.SignInAsync(page);
        var buckets = await page.GotoAsync(fixture.Url("/buckets"));
        foreach (var response in new[] { signIn!, buckets! })
        {
            Assert.Equal("DENY", await response.HeaderValueAsync("x-frame-options"));
            var csp = await response.HeaderValueAsync("content-security-policy");
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.Equal("no-referrer", await response.HeaderValueAsync("referrer-policy"));
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_state_changing_request_without_the_antiforgery_token_is_refused()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page);
        var cookies = string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
        var bucket = ServerFixture.NewBucketName("csrf");
        using var http = new HttpClient(fixture.Server.SocketsHandler());

        // A form post (create a bucket) with the session's cookies but no token, as a forged cross-site form would be.
        using var post = new HttpRequestMessage(HttpMethod.Post, fixture.Url("/buckets?handler=create")) { Content = new FormUrlEncodedContent([new("name", bucket)]) };
        post.Headers.Add("Cookie", cookies);
        using (var response = await http.SendAsync(post))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain((await fixture.S3.ListBucketsAsync()).Buckets ?? [], b => b.BucketName == bucket);

        // An upload call without the header token.
        await fixture.S3.PutBucketAsync(bucket);
        using var put = new HttpRequestMessage(HttpMethod.Put, fixture.Url($"/api/objects?bucket={bucket}&key=forged.txt")) { Content = new StringContent("forged") };
        put.Headers.Add("Cookie", cookies);
        using (var response = await http.SendAsync(put))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var listed = await fixture.S3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket });
        Assert.Empty(listed.S3Objects ?? []);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_session_unused_for_its_idle_time_ends()
    {
        await using var server = await ServerProcess.StartAsync("--console-session-idle", "2s");
        var page = await fixture.NewPageAsync();
        await fixture.SignInAsync(page, server);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await page.GotoAsync(fixture.Url($"/buckets", server));
        Assert.Contains("/console/sign-in", page.Url);

        // An API call of an ended session gets 401, not a page.
        var api = await page.APIRequest.PutAsync(fixture.Url("/api/objects?bucket=b&key=k", server), new() { Data = "x" });
        Assert.Equal(401, api.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bucket_named_console_stays_S3s_for_signed_requests()
    {
        await fixture.S3.PutBucketAsync("console");
        await fixture.S3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = "console", Key = "sign-in", ContentBody = "an object" });
        using var got = await fixture.S3.GetObjectAsync("console", "sign-in");
        Assert.Equal("an object", await new StreamReader(got.ResponseStream).ReadToEndAsync());

        // The same path unsigned, from a browser, is the console's sign-in page.
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(fixture.Url("/sign-in"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Cairn" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task With_a_console_address_the_console_has_its_own_port_and_the_S3_port_serves_S3_alone()
    {
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync("--console-address", $"127.0.0.1:{port}");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"http://127.0.0.1:{port}/");
        Assert.Equal($"http://127.0.0.1:{port}/console/sign-in?returnUrl=%2Fconsole%2F", page.Url);
        await page.GetByLabel("Access key id").FillAsync(ServerProcess.AccessKey);
        await page.GetByLabel("Secret access key").FillAsync(ServerProcess.SecretKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Buckets" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        // On the S3 port, /console is a bucket name like any other: an anonymous request gets S3's answer.
        using var http = new HttpClient(server.SocketsHandler());
        using var response = await http.GetAsync(server.Endpoint + "/console/sign-in");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<Code>NoSuchBucket</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Over_https_the_console_signs_in_through_its_own_tls_s3_endpoint_with_a_secure_cookie()
    {
        using var ca = TestCertificateAuthority.Create();
        var port = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartTlsAsync(ca, TestKeyKind.Rsa, "--console-address", $"127.0.0.1:{port}");
        // Chromium does not know the test CA; the certificate itself is checked by the S3 clients' TLS tests.
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"https://127.0.0.1:{port}/console/sign-in");
        await page.GetByLabel("Access key id").FillAsync(ServerProcess.AccessKey);
        await page.GetByLabel("Secret access key").FillAsync(ServerProcess.SecretKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Signing in is a signed call from the console to the node's S3 endpoint, here over HTTPS.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Buckets" })).ToBeVisibleAsync();
        Assert.StartsWith($"https://127.0.0.1:{port}/console/", page.Url);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "cairn-console-session");
        Assert.True(cookie.Secure && cookie.HttpOnly, "the session cookie is Secure and HttpOnly over HTTPS");
        await context.CloseAsync();
    }
}
