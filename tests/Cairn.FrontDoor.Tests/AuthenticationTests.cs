using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Auth;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

public sealed class AuthenticationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Wrong_secret_is_SignatureDoesNotMatch()
    {
        using var http = new SignedHttp(fixture.Server, secretKey: "not-the-secret");
        using var response = await http.SendAsync(HttpMethod.Get, "/");
        Assert.Equal((403, "SignatureDoesNotMatch"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Unknown_access_key_is_InvalidAccessKeyId()
    {
        using var http = new SignedHttp(fixture.Server, accessKey: "AKIDUNKNOWN");
        using var response = await http.SendAsync(HttpMethod.Get, "/");
        Assert.Equal((403, "InvalidAccessKeyId"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task A_request_signed_for_another_region_names_the_region_served()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Server.Endpoint + "/");
        SigV4Signer.Sign(request, ServerProcess.AccessKey, ServerProcess.SecretKey, "eu-west-1", DateTimeOffset.UtcNow);
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal((400, "AuthorizationHeaderMalformed"), await SignedHttp.ErrorOf(response));
        Assert.Contains("<Message>The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'us-east-1'</Message>", body);
        Assert.Contains("<Region>us-east-1</Region>", body);

        var presigned = SigV4Signer.Presign(HttpMethod.Get, new Uri(fixture.Server.Endpoint + "/"), ServerProcess.AccessKey, ServerProcess.SecretKey,
            "eu-west-1", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var viaUrl = await client.GetAsync(presigned);
        var urlBody = await viaUrl.Content.ReadAsStringAsync();
        Assert.Equal((400, "AuthorizationQueryParametersError"), await SignedHttp.ErrorOf(viaUrl));
        Assert.Contains("the region 'eu-west-1' is wrong; expecting 'us-east-1'", urlBody);
        Assert.Contains("<Region>us-east-1</Region>", urlBody);
    }

    [Fact]
    public async Task Clock_skew_over_15_minutes_is_RequestTimeTooSkewed()
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, "/", signedAt: DateTimeOffset.UtcNow.AddMinutes(-16));
        Assert.Equal((403, "RequestTimeTooSkewed"), await SignedHttp.ErrorOf(response));
        using var fine = await http.SendAsync(HttpMethod.Get, "/", signedAt: DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task Anonymous_requests_are_AccessDenied()
    {
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, "/", sign: false);
        Assert.Equal((403, "AccessDenied"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Tampered_body_with_signed_sha256_is_refused_and_not_stored()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var claimed = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("original"u8));
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("tampered"u8.ToArray()), payloadSha256: claimed);
        Assert.Equal((400, "XAmzContentSHA256Mismatch"), await SignedHttp.ErrorOf(response));
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => fixture.S3.GetObjectMetadataAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Unsigned_payload_put_is_accepted()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("data"u8.ToArray()), payloadSha256: "UNSIGNED-PAYLOAD");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Presigned_get_and_put_work_over_plain_http()
    {
        var bucket = await NewBucketAsync();
        using var http = new HttpClient();
        var putUrl = SigV4Signer.Presign(HttpMethod.Put, new Uri($"{fixture.Server.Endpoint}/{bucket}/pre%20signed"), ServerProcess.AccessKey, ServerProcess.SecretKey,
            ServerProcess.Region, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using (var put = await http.PutAsync(putUrl, new ByteArrayContent("presigned body"u8.ToArray())))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var sdkUrl = await fixture.S3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "pre signed", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        Assert.Equal("presigned body", await http.GetStringAsync(sdkUrl));
    }

    [Fact]
    public async Task Expired_presigned_url_is_AccessDenied()
    {
        var bucket = await NewBucketAsync();
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var url = SigV4Signer.Presign(HttpMethod.Get, new Uri($"{fixture.Server.Endpoint}/{bucket}/k"), ServerProcess.AccessKey, ServerProcess.SecretKey,
            ServerProcess.Region, DateTimeOffset.UtcNow.AddMinutes(-10), TimeSpan.FromSeconds(60));
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal((403, "AccessDenied"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Presigned_url_with_a_tampered_key_is_SignatureDoesNotMatch()
    {
        var bucket = await NewBucketAsync();
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var url = SigV4Signer.Presign(HttpMethod.Get, new Uri($"{fixture.Server.Endpoint}/{bucket}/k"), ServerProcess.AccessKey, ServerProcess.SecretKey,
            ServerProcess.Region, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        using var http = new HttpClient();
        using var response = await http.GetAsync(url.ToString().Replace($"/{bucket}/k?", $"/{bucket}/other?"));
        Assert.Equal((403, "SignatureDoesNotMatch"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task Virtual_hosted_style_addressing_reaches_the_bucket()
    {
        var bucket = await NewBucketAsync();
        await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "vh/key.txt", ContentBody = "virtual" });
        using var http = new SignedHttp(fixture.Server);
        // The SDK cannot resolve bucket.localhost here, so send the Host header ourselves (and sign it).
        using var response = await http.SendAsync(HttpMethod.Get, "/vh/key.txt", configure: r => r.Headers.Host = $"{bucket}.localhost:{fixture.Server.Port}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("virtual", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_endpoints_answer_without_credentials()
    {
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{fixture.Server.Endpoint}/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{fixture.Server.Endpoint}/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Admin_api_refuses_unsigned_and_wrongly_signed_calls()
    {
        using var anonymous = new SignedHttp(fixture.Server);
        using var unsigned = await anonymous.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/info", sign: false);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        using var wrong = new SignedHttp(fixture.Server, secretKey: "wrong");
        using var badSignature = await wrong.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/info");
        Assert.Equal(HttpStatusCode.Forbidden, badSignature.StatusCode);
        using var right = await anonymous.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/info");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("\"buckets\"", await right.Content.ReadAsStringAsync());
    }

    private async Task<string> NewBucketAsync()
    {
        var name = ServerFixture.NewBucketName("auth");
        await fixture.S3.PutBucketAsync(name);
        return name;
    }
}
