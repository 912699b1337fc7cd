using System.Net;
using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// Debian's AWS CLI v2 (/usr/bin/aws) configuring a bucket: `aws s3 website` and a public-read `s3api put-bucket-policy`
/// then the website endpoint, `s3api put-bucket-cors` then a browser's preflight, `s3api put-bucket-tagging`, `s3api put-bucket-logging`.
/// </summary>
public sealed class AwsCliBucketConfigurationTests(WebsiteServerFixture fixture) : IClassFixture<WebsiteServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-awscli-config");

    public void Dispose() => temp.Dispose();

    private async Task<ProcessResult> AwsOkAsync(params string[] args) =>
        (await ExternalClients.RunAsync(ExternalClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", .. args],
            ExternalClients.Environment(temp.Sub("home")))).Succeeded(fixture, "aws " + string.Join(' ', args));

    private async Task<JsonElement> AwsJsonAsync(params string[] args) => JsonDocument.Parse((await AwsOkAsync(args)).Stdout).RootElement.Clone();

    [Fact]
    public async Task A_site_made_with_aws_s3_website_is_served_by_its_website_endpoint()
    {
        var bucket = ServerFixture.NewBucketName("site");
        await AwsOkAsync("s3", "mb", $"s3://{bucket}");
        await AwsOkAsync("s3", "website", $"s3://{bucket}", "--index-document", "index.html", "--error-document", "404.html");
        var site = await AwsJsonAsync("s3api", "get-bucket-website", "--bucket", bucket);
        Assert.Equal("index.html", site.GetProperty("IndexDocument").GetProperty("Suffix").GetString());
        Assert.Equal("404.html", site.GetProperty("ErrorDocument").GetProperty("Key").GetString());

        // A website is public through its bucket policy, once Block Public Access (on for new buckets) is lifted.
        var policy = BucketPolicies.PublicRead(bucket);
        await AwsOkAsync("s3api", "delete-public-access-block", "--bucket", bucket);
        await AwsOkAsync("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", policy);
        Assert.Equal(policy, (await AwsJsonAsync("s3api", "get-bucket-policy", "--bucket", bucket)).GetProperty("Policy").GetString());
        var status = await AwsJsonAsync("s3api", "get-bucket-policy-status", "--bucket", bucket);
        Assert.True(status.GetProperty("PolicyStatus").GetProperty("IsPublic").GetBoolean());

        var pages = temp.Sub("pages");
        File.WriteAllText(Path.Combine(pages, "index.html"), "<h1>home</h1>");
        File.WriteAllText(Path.Combine(pages, "404.html"), "<h1>lost</h1>");
        await AwsOkAsync("s3", "cp", pages, $"s3://{bucket}/", "--recursive", "--content-type", "text/html");

        using (var home = await fixture.WebsiteAsync(bucket, "/"))
            Assert.Equal((HttpStatusCode.OK, "<h1>home</h1>"), (home.StatusCode, await home.Content.ReadAsStringAsync()));
        using (var lost = await fixture.WebsiteAsync(bucket, "/missing"))
            Assert.Equal((HttpStatusCode.NotFound, "<h1>lost</h1>"), (lost.StatusCode, await lost.Content.ReadAsStringAsync()));

        await AwsOkAsync("s3api", "delete-bucket-website", "--bucket", bucket);
        using var gone = await fixture.WebsiteAsync(bucket, "/");
        Assert.Contains("<li>Code: NoSuchWebsiteConfiguration</li>", await gone.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cors_rules_put_with_s3api_answer_a_browsers_preflight_and_tags_round_trip()
    {
        var bucket = ServerFixture.NewBucketName("cors");
        await AwsOkAsync("s3", "mb", $"s3://{bucket}");
        await AwsOkAsync("s3api", "put-bucket-cors", "--bucket", bucket, "--cors-configuration",
            """{"CORSRules":[{"AllowedOrigins":["https://app.example.com"],"AllowedMethods":["GET","PUT"],"AllowedHeaders":["*"],"MaxAgeSeconds":600}]}""");
        var rules = (await AwsJsonAsync("s3api", "get-bucket-cors", "--bucket", bucket)).GetProperty("CORSRules");
        Assert.Equal(["GET", "PUT"], rules[0].GetProperty("AllowedMethods").EnumerateArray().Select(m => m.GetString()));

        using var http = new HttpClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"{fixture.Server.Endpoint}/{bucket}/upload.bin");
        preflight.Headers.Add("Origin", "https://app.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "PUT");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var response = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://app.example.com", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());

        await AwsOkAsync("s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", "TagSet=[{Key=team,Value=web}]");
        var tags = (await AwsJsonAsync("s3api", "get-bucket-tagging", "--bucket", bucket)).GetProperty("TagSet");
        Assert.Equal("web", tags[0].GetProperty("Value").GetString());
        await AwsOkAsync("s3api", "delete-bucket-cors", "--bucket", bucket);
        var listed = await fixture.S3.ListBucketsAsync(new ListBucketsRequest { Prefix = bucket });
        Assert.Equal([bucket], listed.Buckets.Select(b => b.BucketName));
    }

    [Fact]
    public async Task Put_bucket_logging_and_get_bucket_logging_round_trip_the_target()
    {
        var source = await fixture.NewBucketAsync("logged");
        var target = await fixture.NewBucketAsync("logs");
        await AwsOkAsync("s3api", "put-bucket-logging", "--bucket", source, "--bucket-logging-status",
            $$"""{"LoggingEnabled":{"TargetBucket":"{{target}}","TargetPrefix":"access/"} }""");
        var status = (await AwsJsonAsync("s3api", "get-bucket-logging", "--bucket", source)).GetProperty("LoggingEnabled");
        Assert.Equal((target, "access/"), (status.GetProperty("TargetBucket").GetString(), status.GetProperty("TargetPrefix").GetString()));

        await AwsOkAsync("s3api", "put-bucket-logging", "--bucket", source, "--bucket-logging-status", "{}");
        var disabled = (await AwsOkAsync("s3api", "get-bucket-logging", "--bucket", source)).Stdout;
        Assert.False(disabled.Trim().Length > 0 && JsonDocument.Parse(disabled).RootElement.TryGetProperty("LoggingEnabled", out _), disabled);
    }
}
