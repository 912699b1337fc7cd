using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// The operations where AWS requires Content-MD5 or a checksum on the body (PutBucketCors, PutBucketTagging,
/// PutBucketLifecycleConfiguration, DeleteObjects), and the CORS document's 64 KB limit.
/// </summary>
public sealed class RequiredDigestTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Cors = "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>";
    private const string Tagging = "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>";
    private const string Lifecycle = "<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
    private const string Delete = "<Delete><Object><Key>k</Key></Object></Delete>";
    private const string MissingMd5 = "Missing required header for this request: Content-MD5";

    public static TheoryData<string, string, string, string> Operations => new()
    {
        { "PUT", "cors", Cors, MissingMd5 },
        { "PUT", "tagging", Tagging, MissingMd5 },
        { "PUT", "lifecycle", Lifecycle, MissingMd5 },
        { "POST", "delete", Delete, "Missing required header for this request: Content-Md5" },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_body_without_Content_MD5_or_a_checksum_is_InvalidRequest_and_changes_nothing(string method, string subresource, string body, string message)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        await PutObjectAsync(http, bucket);
        foreach (var configure in new Action<HttpRequestMessage>[]
                 {
                     _ => { },
                     // The SDK's algorithm header names a checksum but sends no value: still nothing to check the body against.
                     r => r.Headers.Add("x-amz-sdk-checksum-algorithm", "CRC32"),
                 })
        {
            using var refused = await http.SendAsync(new HttpMethod(method), $"/{bucket}?{subresource}", Plain(body), configure);
            var error = S3Schema.Validate(await refused.Content.ReadAsStringAsync(), "Error");
            Assert.Equal((400, "InvalidRequest", message), ((int)refused.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message")));
        }
        if (subresource == "delete") await fixture.S3.GetObjectMetadataAsync(bucket, "k");
        else
        {
            using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?{subresource}");
            Assert.Equal(404, (int)get.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_checksum_header_stands_in_for_Content_MD5_and_is_verified(string method, string subresource, string body, string message)
    {
        _ = message;
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        await PutObjectAsync(http, bucket);
        using (var wrong = await http.SendAsync(new HttpMethod(method), $"/{bucket}?{subresource}", Plain(body),
                   r => r.Headers.Add("x-amz-checksum-crc32", RawS3.Crc32("another body"))))
            Assert.Equal((400, "BadDigest"), await SignedHttp.ErrorOf(wrong));
        using var accepted = await http.SendAsync(new HttpMethod(method), $"/{bucket}?{subresource}", Plain(body),
            r => r.Headers.Add("x-amz-checksum-crc32", RawS3.Crc32(body)));
        Assert.True(accepted.IsSuccessStatusCode, $"{(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        using var withMd5 = await http.SendAsync(new HttpMethod(method), $"/{bucket}?{subresource}", SignedHttp.Xml(body));
        Assert.True(withMd5.IsSuccessStatusCode, $"{(int)withMd5.StatusCode} {await withMd5.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task The_SDK_sends_what_these_operations_require()
    {
        var bucket = await NewBucketAsync();
        var s3 = fixture.S3;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["GET"] }] },
        });
        await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "a", Value = "1" }] });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules = [new LifecycleRule { Id = "r", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter(), Expiration = new LifecycleRuleExpiration { Days = 1 } }],
            },
        });
        var deleted = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "k" }] });
        Assert.Equal("k", Assert.Single(deleted.DeletedObjects).Key);
    }

    [Fact]
    public async Task A_CORS_configuration_over_64_KB_is_refused_even_with_at_most_100_rules()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        string Document(int originLength) => "<CORSConfiguration>" + string.Concat(Enumerable.Range(0, 100).Select(i =>
            $"<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>https://{i}.{new string('o', originLength)}.example</AllowedOrigin></CORSRule>")) + "</CORSConfiguration>";
        var under = Document(500);
        Assert.InRange(Encoding.UTF8.GetByteCount(under), 60_000, 64 * 1024);
        using (var ok = await http.SendAsync(HttpMethod.Put, $"/{bucket}?cors", SignedHttp.Xml(under)))
            Assert.Equal(200, (int)ok.StatusCode);
        var over = Document(560);
        Assert.True(Encoding.UTF8.GetByteCount(over) > 64 * 1024);
        using var refused = await http.SendAsync(HttpMethod.Put, $"/{bucket}?cors", SignedHttp.Xml(over));
        Assert.Equal((400, "MaxMessageLengthExceeded"), await SignedHttp.ErrorOf(refused));
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?cors");
        Assert.Contains(new string('o', 500) + ".example<", await get.Content.ReadAsStringAsync());
    }

    private static ByteArrayContent Plain(string xml) => SignedHttp.Bytes(Encoding.UTF8.GetBytes(xml), "application/xml");

    private static async Task PutObjectAsync(SignedHttp http, string bucket)
    {
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", RawS3.Bytes("x"));
        Assert.True(put.IsSuccessStatusCode);
    }

    private Task<string> NewBucketAsync() => new RawS3(fixture.Server).NewBucketAsync("digest");
}
