using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Bucket CORS: Put/Get/DeleteBucketCors and S3's checks, unauthenticated preflight OPTIONS, and the Access-Control-*
/// headers on real requests from an allowed origin.
/// </summary>
public sealed class CorsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string App = "https://app.example.com";
    private const string NotAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / " +
        "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_configuration_round_trips_through_the_SDK_and_deleting_it_leaves_NoSuchCORSConfiguration()
    {
        var bucket = await NewBucketAsync();
        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetCORSConfigurationAsync(bucket));
        Assert.Equal(("NoSuchCORSConfiguration", HttpStatusCode.NotFound), (none.ErrorCode, none.StatusCode));

        await S3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration
            {
                Rules =
                [
                    new CORSRule
                    {
                        Id = "app", AllowedOrigins = [App, "http://*.example.org"], AllowedMethods = ["GET", "PUT"],
                        AllowedHeaders = ["x-amz-*", "Content-Type"], ExposeHeaders = ["ETag"], MaxAgeSeconds = 3000,
                    },
                    new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["GET"] },
                ],
            },
        });
        var rules = (await S3.GetCORSConfigurationAsync(bucket)).Configuration.Rules;
        Assert.Equal(2, rules.Count);
        Assert.Equal(("app", 3000), (rules[0].Id, rules[0].MaxAgeSeconds));
        Assert.Equal([App, "http://*.example.org"], rules[0].AllowedOrigins);
        Assert.Equal(["GET", "PUT"], rules[0].AllowedMethods);
        Assert.Equal(["x-amz-*", "Content-Type"], rules[0].AllowedHeaders);
        Assert.Equal(["ETag"], rules[0].ExposeHeaders);
        Assert.Equal(["*"], rules[1].AllowedOrigins);

        await S3.DeleteCORSConfigurationAsync(bucket);
        var deleted = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetCORSConfigurationAsync(bucket));
        Assert.Equal("NoSuchCORSConfiguration", deleted.ErrorCode);
    }

    [Fact]
    public async Task Get_bucket_cors_answers_each_rule_in_S3s_element_order()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using (var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?cors", RawXml.Body(
            "<CORSConfiguration><CORSRule><MaxAgeSeconds>60</MaxAgeSeconds><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>" +
            "<ID>r1</ID><ExposeHeader>ETag</ExposeHeader><AllowedHeader>*</AllowedHeader></CORSRule></CORSConfiguration>")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?cors");
        var root = StrictXml.Root(await get.Content.ReadAsStringAsync(), "CORSConfiguration");
        Assert.Equal(["CORSRule"], StrictXml.Names(root));
        Assert.Equal(["ID", "AllowedHeader", "AllowedMethod", "AllowedOrigin", "ExposeHeader", "MaxAgeSeconds"], StrictXml.Names(StrictXml.Child(root, "CORSRule")));
    }

    [Theory]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod></CORSRule>", "InvalidRequest",
        "Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS")]
    [InlineData("<CORSRule><AllowedOrigin>http://*.*.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>", "InvalidRequest",
        "AllowedOrigin \"http://*.*.example.com\" can not have more than one wildcard.")]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>*</ExposeHeader></CORSRule>", "InvalidRequest",
        "ExposeHeader \"*\" contains wildcard. We currently do not support wildcard for ExposeHeader.")]
    [InlineData("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>", "MalformedXML", null)]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>", "MalformedXML", null)]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule>", "MalformedXML", null)]
    [InlineData("", "MalformedXML", null)]
    public async Task A_configuration_S3_refuses_is_refused_with_its_code_and_stores_nothing(string rules, string code, string? message) =>
        await BucketSettingRefusal.AssertRefusedAsync(fixture.Server, await NewBucketAsync(), "cors", $"<CORSConfiguration>{rules}</CORSConfiguration>",
            (400, code, message), "NoSuchCORSConfiguration");

    [Fact]
    public async Task More_than_100_rules_are_MalformedXML()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var rule = "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";
        using (var hundred = await http.SendAsync(HttpMethod.Put, $"/{bucket}?cors", RawXml.Body($"<CORSConfiguration>{string.Concat(Enumerable.Repeat(rule, 100))}</CORSConfiguration>")))
            Assert.Equal(HttpStatusCode.OK, hundred.StatusCode);
        using var more = await http.SendAsync(HttpMethod.Put, $"/{bucket}?cors", RawXml.Body($"<CORSConfiguration>{string.Concat(Enumerable.Repeat(rule, 101))}</CORSConfiguration>"));
        Assert.Equal((400, "MalformedXML"), await SignedHttp.ErrorOf(more));
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_unauthenticated_with_the_first_matching_rule()
    {
        var bucket = await ConfiguredBucketAsync();
        using var response = await PreflightAsync($"/{bucket}/photo.jpg", App, "PUT", "X-Amz-Meta-Owner, content-type");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Equal(App, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET, PUT", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("x-amz-meta-owner, content-type", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("ETag, x-amz-request-id", Header(response, "Access-Control-Expose-Headers"));
        Assert.Equal("3000", Header(response, "Access-Control-Max-Age"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("Origin, Access-Control-Request-Headers, Access-Control-Request-Method", Header(response, "Vary"));
    }

    [Fact]
    public async Task A_wildcard_origin_is_answered_with_a_star_and_no_credentials()
    {
        var bucket = await ConfiguredBucketAsync();
        using var response = await PreflightAsync($"/{bucket}", "http://random.test:1234", "GET");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("GET", Header(response, "Access-Control-Allow-Methods"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
        Assert.Null(Header(response, "Access-Control-Max-Age"));
    }

    [Theory]
    [InlineData("https://other.example.com", "PUT", null, "OBJECT")]
    [InlineData(App, "DELETE", null, "OBJECT")]
    [InlineData(App, "PUT", "x-custom-header", "OBJECT")]
    public async Task A_preflight_no_rule_allows_is_403_AccessForbidden(string origin, string method, string? headers, string resourceType)
    {
        var bucket = await ConfiguredBucketAsync();
        using var response = await PreflightAsync($"/{bucket}/k", origin, method, headers);
        var error = RawXml.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((403, "AccessForbidden", NotAllowed, method, resourceType),
            ((int)response.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message"), RawXml.Child(error, "Method"), RawXml.Child(error, "ResourceType")));
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_preflight_without_Origin_is_400_and_to_a_bucket_without_CORS_is_403()
    {
        var bucket = await NewBucketAsync();
        using (var noOrigin = await PreflightAsync($"/{bucket}/k", null, "GET"))
        {
            var error = RawXml.Parse(await noOrigin.Content.ReadAsStringAsync());
            Assert.Equal((400, "BadRequest", "Insufficient information. Origin request header needed."),
                ((int)noOrigin.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message")));
        }
        using (var notEnabled = await PreflightAsync($"/{bucket}/k", App, "GET"))
        {
            var error = RawXml.Parse(await notEnabled.Content.ReadAsStringAsync());
            Assert.Equal((403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", "BUCKET"),
                ((int)notEnabled.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message"), RawXml.Child(error, "ResourceType")));
        }
        using (var noBucket = await PreflightAsync($"/{ServerFixture.NewBucketName("absent")}", App, "GET"))
        {
            var error = RawXml.Parse(await noBucket.Content.ReadAsStringAsync());
            Assert.Equal((403, "AccessForbidden", "CORSResponse: Bucket not found"), ((int)noBucket.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message")));
        }
        var configured = await ConfiguredBucketAsync();
        using var noMethod = await PreflightAsync($"/{configured}/k", App, null);
        Assert.Equal((400, "BadRequest"), await SignedHttp.ErrorOf(noMethod));
    }

    [Fact]
    public async Task A_signed_request_from_an_allowed_origin_carries_the_rules_headers_even_when_it_fails()
    {
        var bucket = await ConfiguredBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        using (var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k", configure: r => r.Headers.Add("Origin", App)))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal((App, "GET, PUT", "true"), (Header(get, "Access-Control-Allow-Origin"), Header(get, "Access-Control-Allow-Methods"), Header(get, "Access-Control-Allow-Credentials")));
            Assert.Equal("Origin, Access-Control-Request-Headers, Access-Control-Request-Method", Header(get, "Vary"));
            Assert.Null(Header(get, "Access-Control-Allow-Headers"));
        }
        using (var missing = await http.SendAsync(HttpMethod.Get, $"/{bucket}/absent", configure: r => r.Headers.Add("Origin", App)))
        {
            Assert.Equal((404, "NoSuchKey"), await SignedHttp.ErrorOf(missing));
            Assert.Equal(App, Header(missing, "Access-Control-Allow-Origin"));
        }
        using (var stranger = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k", configure: r => r.Headers.Add("Origin", "https://evil.test")))
        {
            Assert.Equal("*", Header(stranger, "Access-Control-Allow-Origin"));
        }
        using var delete = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k", configure: r => r.Headers.Add("Origin", "https://evil.test"));
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Null(Header(delete, "Access-Control-Allow-Origin"));
        Assert.Null(Header(delete, "Vary"));
    }

    /// <summary>A bucket whose first rule allows the app to GET and PUT, and whose second lets anyone GET.</summary>
    private async Task<string> ConfiguredBucketAsync()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?cors", RawXml.Body(
            $"<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule><AllowedOrigin>{App}</AllowedOrigin>" +
            "<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>x-amz-meta-*</AllowedHeader><AllowedHeader>Content-Type</AllowedHeader>" +
            "<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>" +
            "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        return bucket;
    }

    /// <summary>An OPTIONS as a browser sends it: no signature, the origin and the method and headers it means to use.</summary>
    private async Task<HttpResponseMessage> PreflightAsync(string path, string? origin, string? method, string? headers = null)
    {
        using var http = new SignedHttp(fixture.Server);
        var request = new HttpRequestMessage(HttpMethod.Options, http.Url(path));
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (method is not null) request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null) request.Headers.Add("Access-Control-Request-Headers", headers);
        var response = await http.SendUnsignedAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("cors");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }
}
