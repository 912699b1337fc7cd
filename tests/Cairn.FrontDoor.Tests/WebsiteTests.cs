using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Website hosting: Put/Get/DeleteBucketWebsite, and a bucket's website endpoint (Host bucket.s3-website.localhost):
/// index and error documents, redirects, routing rules, HTML errors, anonymous GET and HEAD only.
/// </summary>
public sealed class WebsiteTests(WebsiteServerFixture fixture) : IClassFixture<WebsiteServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_website_configuration_round_trips_through_the_SDK_and_deleting_it_leaves_NoSuchWebsiteConfiguration()
    {
        var bucket = await NewBucketAsync();
        // The SDK reads GetBucketWebsite's NoSuchWebsiteConfiguration as no configuration; the raw answer is checked below.
        Assert.Null((await S3.GetBucketWebsiteAsync(bucket)).WebsiteConfiguration?.IndexDocumentSuffix);

        await S3.PutBucketWebsiteAsync(new PutBucketWebsiteRequest
        {
            BucketName = bucket,
            WebsiteConfiguration = new WebsiteConfiguration
            {
                IndexDocumentSuffix = "index.html",
                ErrorDocument = "error.html",
                RoutingRules =
                [
                    new RoutingRule
                    {
                        Condition = new RoutingRuleCondition { KeyPrefixEquals = "docs/" },
                        Redirect = new RoutingRuleRedirect { ReplaceKeyPrefixWith = "documents/" },
                    },
                ],
            },
        });
        var got = (await S3.GetBucketWebsiteAsync(bucket)).WebsiteConfiguration;
        Assert.Equal(("index.html", "error.html"), (got.IndexDocumentSuffix, got.ErrorDocument));
        var rule = Assert.Single(got.RoutingRules);
        Assert.Equal(("docs/", "documents/"), (rule.Condition.KeyPrefixEquals, rule.Redirect.ReplaceKeyPrefixWith));

        await S3.DeleteBucketWebsiteAsync(bucket);
        using var http = new SignedHttp(fixture.Server);
        using var deleted = await http.SendAsync(HttpMethod.Get, $"/{bucket}?website");
        var error = RawXml.Parse(await deleted.Content.ReadAsStringAsync());
        Assert.Equal((404, "NoSuchWebsiteConfiguration", bucket), ((int)deleted.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "BucketName")));
    }

    [Fact]
    public async Task Get_bucket_website_answers_the_configuration_in_S3s_element_order()
    {
        var bucket = await NewBucketAsync();
        await PutWebsiteAsync(bucket,
            "<RoutingRules><RoutingRule><Redirect><ReplaceKeyWith>gone.html</ReplaceKeyWith><HostName>example.com</HostName></Redirect>" +
            "<Condition><KeyPrefixEquals>old/</KeyPrefixEquals><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition></RoutingRule></RoutingRules>" +
            "<ErrorDocument><Key>error.html</Key></ErrorDocument><IndexDocument><Suffix>index.html</Suffix></IndexDocument>");
        using var http = new SignedHttp(fixture.Server);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?website");
        var root = StrictXml.Root(await get.Content.ReadAsStringAsync(), "WebsiteConfiguration");
        Assert.Equal(["IndexDocument", "ErrorDocument", "RoutingRules"], StrictXml.Names(root));
        var rule = StrictXml.Child(StrictXml.Child(root, "RoutingRules"), "RoutingRule");
        Assert.Equal(["Condition", "Redirect"], StrictXml.Names(rule));
        Assert.Equal(["HttpErrorCodeReturnedEquals", "KeyPrefixEquals"], StrictXml.Names(StrictXml.Child(rule, "Condition")));
        Assert.Equal(["HostName", "ReplaceKeyWith"], StrictXml.Names(StrictXml.Child(rule, "Redirect")));
    }

    [Theory]
    [InlineData("", "InvalidArgument", "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty")]
    [InlineData("<IndexDocument><Suffix>a/index.html</Suffix></IndexDocument>", "InvalidArgument", "The IndexDocument Suffix is not well formed")]
    [InlineData("<IndexDocument><Suffix>i.html</Suffix></IndexDocument><ErrorDocument></ErrorDocument>", "MalformedXML", null)]
    [InlineData("<IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><HttpRedirectCode>300</HttpRedirectCode></Redirect></RoutingRule></RoutingRules>",
        "InvalidRequest", "The provided HTTP redirect code (300) is not valid. Valid codes are 3XX except 300.")]
    [InlineData("<IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Redirect><ReplaceKeyWith>a</ReplaceKeyWith><ReplaceKeyPrefixWith>b</ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules>",
        "InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")]
    [InlineData("<IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>302</HttpErrorCodeReturnedEquals></Condition><Redirect><HostName>h</HostName></Redirect></RoutingRule></RoutingRules>",
        "InvalidRequest", "The provided HTTP error code (302) is not valid. Valid codes are 4XX or 5XX.")]
    [InlineData("<IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules><RoutingRule><Condition/><Redirect><HostName>h</HostName></Redirect></RoutingRule></RoutingRules>",
        "InvalidRequest", "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.")]
    [InlineData("<RedirectAllRequestsTo><HostName>h</HostName><Protocol>ftp</Protocol></RedirectAllRequestsTo>",
        "InvalidRequest", "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically.")]
    [InlineData("<RedirectAllRequestsTo><HostName>h</HostName></RedirectAllRequestsTo><IndexDocument><Suffix>i.html</Suffix></IndexDocument>",
        "InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.")]
    public async Task A_configuration_S3_refuses_is_refused_with_its_code_and_stores_nothing(string body, string code, string? message) =>
        await BucketSettingRefusal.AssertRefusedAsync(fixture.Server, await NewBucketAsync(), "website", $"<WebsiteConfiguration>{body}</WebsiteConfiguration>",
            (400, code, message), "NoSuchWebsiteConfiguration");

    [Fact]
    public async Task Fifty_one_routing_rules_are_InvalidRequest()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var rules = string.Concat(Enumerable.Repeat("<RoutingRule><Redirect><HostName>h</HostName></Redirect></RoutingRule>", 51));
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?website",
            RawXml.Body($"<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules>{rules}</RoutingRules></WebsiteConfiguration>"));
        var error = RawXml.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((400, "InvalidRequest", "51 routing rules provided, the number of routing rules in a website configuration is limited to 50."),
            ((int)response.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message")));
    }

    [Fact]
    public async Task The_index_document_is_served_for_the_root_and_for_a_folder_and_a_folder_without_its_slash_is_302()
    {
        var bucket = await WebsiteAsync();
        await PutHtmlAsync(bucket, "index.html", "<p>home</p>");
        await PutHtmlAsync(bucket, "docs/index.html", "<p>docs</p>");
        await PutHtmlAsync(bucket, "docs/page.html", "<p>page</p>");

        foreach (var (path, body) in new[] { ("/", "<p>home</p>"), ("/docs/", "<p>docs</p>"), ("/docs/page.html", "<p>page</p>") })
        {
            using var response = await fixture.WebsiteAsync(bucket, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(body, await response.Content.ReadAsStringAsync());
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        using (var head = await fixture.WebsiteAsync(bucket, "/docs/", HttpMethod.Head))
            Assert.Equal((HttpStatusCode.OK, 11L), (head.StatusCode, head.Content.Headers.ContentLength));
        using var folder = await fixture.WebsiteAsync(bucket, "/docs");
        Assert.Equal(HttpStatusCode.Found, folder.StatusCode);
        Assert.Equal("/docs/", folder.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_missing_key_is_served_the_error_document_with_the_original_status()
    {
        var bucket = await WebsiteAsync();
        await PutHtmlAsync(bucket, "error.html", "<p>lost</p>");
        using var response = await fixture.WebsiteAsync(bucket, "/nowhere.html");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("<p>lost</p>", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Errors_are_HTML_pages_naming_the_error_document_that_is_missing_too()
    {
        var bucket = await WebsiteAsync();
        using var response = await fixture.WebsiteAsync(bucket, "/nowhere.html");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("<html>\n<head><title>404 Not Found</title></head>\n<body>\n<h1>404 Not Found</h1>\n<ul>\n<li>Code: NoSuchKey</li>\n" +
            "<li>Message: The specified key does not exist.</li>\n<li>Key: nowhere.html</li>\n<li>RequestId: ", page);
        Assert.Contains("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n<li>Code: NoSuchKey</li>\n" +
            "<li>Message: The specified key does not exist.</li>\n<li>Key: error.html</li>\n</ul>\n<hr/>\n</body>\n</html>\n", page);

        var plain = await NewBucketAsync();
        using var notWebsite = await fixture.WebsiteAsync(plain, "/");
        Assert.Equal(HttpStatusCode.NotFound, notWebsite.StatusCode);
        var notWebsitePage = await notWebsite.Content.ReadAsStringAsync();
        Assert.Contains("<li>Code: NoSuchWebsiteConfiguration</li>", notWebsitePage);
        Assert.Contains($"<li>BucketName: {plain}</li>", notWebsitePage);

        using var noBucket = await fixture.WebsiteAsync(ServerFixture.NewBucketName("absent"), "/");
        Assert.Equal(HttpStatusCode.NotFound, noBucket.StatusCode);
        Assert.Contains("<li>Code: NoSuchBucket</li>", await noBucket.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_GET_and_HEAD_are_served_and_the_REST_endpoint_refuses_what_the_policy_does_not_grant()
    {
        var bucket = await WebsiteAsync();
        await PutHtmlAsync(bucket, "index.html", "home");
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Post })
        {
            using var response = await fixture.WebsiteAsync(bucket, "/index.html", method);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Contains("<li>Code: MethodNotAllowed</li>", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal("home", await (await S3.GetObjectAsync(bucket, "index.html")).ResponseStream.ReadToEndStringAsync());
        using var http = new HttpClient();
        // The policy grants reads to everyone, on the REST endpoint too; writes stay refused.
        using (var read = await http.GetAsync($"{fixture.Server.Endpoint}/{bucket}/index.html"))
            Assert.Equal("home", await read.Content.ReadAsStringAsync());
        using var anonymous = await http.PutAsync($"{fixture.Server.Endpoint}/{bucket}/index.html", new StringContent("defaced"));
        Assert.Equal((403, "AccessDenied"), await SignedHttp.ErrorOf(anonymous));
    }

    [Fact]
    public async Task The_website_serves_only_what_the_bucket_policy_makes_public()
    {
        var bucket = await NewBucketAsync();
        await S3.PutBucketWebsiteAsync(new PutBucketWebsiteRequest
        {
            BucketName = bucket, WebsiteConfiguration = new WebsiteConfiguration { IndexDocumentSuffix = "index.html" },
        });
        await PutHtmlAsync(bucket, "public/index.html", "open");
        await PutHtmlAsync(bucket, "private/index.html", "closed");

        // Private, as every new bucket: nothing is served.
        using (var closed = await fixture.WebsiteAsync(bucket, "/public/"))
            Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);

        await BucketPolicies.MakePublicAsync(fixture.Server, bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/public/*"}]}
            """);
        using (var open = await fixture.WebsiteAsync(bucket, "/public/"))
            Assert.Equal((HttpStatusCode.OK, "open"), (open.StatusCode, await open.Content.ReadAsStringAsync()));
        using (var other = await fixture.WebsiteAsync(bucket, "/private/"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.Contains("<li>Code: AccessDenied</li>", await other.Content.ReadAsStringAsync());
        }
        // Without s3:ListBucket a visitor may not learn that a key is missing: 403, as S3 answers.
        using var missing = await fixture.WebsiteAsync(bucket, "/public/nowhere.html");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
    }

    [Fact]
    public async Task An_object_with_a_website_redirect_location_is_a_301_there_and_the_header_is_stored()
    {
        var bucket = await WebsiteAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "old.html", ContentBody = "", WebsiteRedirectLocation = "/new.html" });
        Assert.Equal("/new.html", (await S3.GetObjectMetadataAsync(bucket, "old.html")).WebsiteRedirectLocation);
        using var response = await fixture.WebsiteAsync(bucket, "/old.html");
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/new.html", response.Headers.Location?.OriginalString);

        using var http = new SignedHttp(fixture.Server);
        using var invalid = await http.SendAsync(HttpMethod.Put, $"/{bucket}/bad.html", SignedHttp.Bytes([]),
            r => r.Headers.Add("x-amz-website-redirect-location", "new.html"));
        Assert.Equal((400, "InvalidRedirectLocation"), await SignedHttp.ErrorOf(invalid));
    }

    [Fact]
    public async Task Routing_rules_redirect_by_key_prefix_before_the_lookup_and_by_error_code_after_it()
    {
        var bucket = await PublicBucketAsync();
        await PutWebsiteAsync(bucket,
            "<IndexDocument><Suffix>index.html</Suffix></IndexDocument><RoutingRules>" +
            "<RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect></RoutingRule>" +
            "<RoutingRule><Condition><HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition>" +
            "<Redirect><Protocol>https</Protocol><HostName>mirror.example.com</HostName><HttpRedirectCode>307</HttpRedirectCode><ReplaceKeyWith>missing.html</ReplaceKeyWith></Redirect></RoutingRule>" +
            "</RoutingRules>");
        await PutHtmlAsync(bucket, "here.html", "here");

        using (var prefix = await fixture.WebsiteAsync(bucket, "/docs/a b.html"))
        {
            Assert.Equal(HttpStatusCode.MovedPermanently, prefix.StatusCode);
            Assert.Equal($"http://{bucket}.{WebsiteServerFixture.WebsiteDomain}:{fixture.Server.Port}/documents/a%20b.html", prefix.Headers.Location?.OriginalString);
        }
        using (var missing = await fixture.WebsiteAsync(bucket, "/nowhere"))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, missing.StatusCode);
            Assert.Equal("https://mirror.example.com/missing.html", missing.Headers.Location?.OriginalString);
        }
        using var found = await fixture.WebsiteAsync(bucket, "/here.html");
        Assert.Equal("here", await found.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Redirect_all_requests_sends_every_path_to_the_other_host()
    {
        var bucket = await NewBucketAsync();
        await PutWebsiteAsync(bucket, "<RedirectAllRequestsTo><HostName>www.example.com</HostName><Protocol>https</Protocol></RedirectAllRequestsTo>");
        using var response = await fixture.WebsiteAsync(bucket, "/a/b.html?x=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("https://www.example.com/a/b.html?x=1", response.Headers.Location?.OriginalString);
    }

    private async Task<string> WebsiteAsync()
    {
        var bucket = await PublicBucketAsync();
        await S3.PutBucketWebsiteAsync(new PutBucketWebsiteRequest
        {
            BucketName = bucket, WebsiteConfiguration = new WebsiteConfiguration { IndexDocumentSuffix = "index.html", ErrorDocument = "error.html" },
        });
        return bucket;
    }

    private async Task PutWebsiteAsync(string bucket, string configuration)
    {
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?website", RawXml.Body($"<WebsiteConfiguration>{configuration}</WebsiteConfiguration>"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    private Task PutHtmlAsync(string bucket, string key, string body) =>
        S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, ContentType = "text/html" });

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("web");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>A bucket whose objects everyone may read and list, as a website's bucket policy makes it.</summary>
    private async Task<string> PublicBucketAsync()
    {
        var bucket = await NewBucketAsync();
        await BucketPolicies.MakePublicAsync(fixture.Server, bucket, BucketPolicies.PublicRead(bucket));
        return bucket;
    }
}

internal static class StreamText
{
    public static Task<string> ReadToEndStringAsync(this Stream stream) => new StreamReader(stream).ReadToEndAsync();
}
