using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Protection a request asks for and Cairn does not give (dual-layer encryption, …), an ACL a bucket with ACLs disabled
/// (BucketOwnerEnforced, every new bucket's default) does not take, or an SSE-C key over plain HTTP, is refused with
/// S3's error before anything is stored, never accepted and ignored.
/// </summary>
public sealed class UnsupportedFeatureTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string AllUsers = "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"";

    private AmazonS3Client S3 => fixture.S3;

    [Theory]
    [InlineData("x-amz-server-side-encryption", "aws:kms:dsse", 501, "NotImplemented")]
    [InlineData("x-amz-server-side-encryption", "rot13", 400, "InvalidArgument")]
    [InlineData("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:111122223333:key/k", 400, "InvalidArgument")]
    [InlineData("x-amz-acl", "public-read", 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-acl", "public-read-write", 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-acl", "authenticated-read", 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-acl", "aws-exec-read", 501, "NotImplemented")]
    [InlineData("x-amz-acl", "public", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-read", AllUsers, 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-grant-full-control", AllUsers, 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-website-redirect-location", "elsewhere.html", 400, "InvalidRedirectLocation")]
    [InlineData("x-amz-request-payer", "requester", 501, "NotImplemented")]
    public async Task PutObject_asking_for_what_Cairn_does_not_give_is_refused_and_stores_nothing(string header, string value, int status, string code)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("secret"u8.ToArray()),
            r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
        await AssertNoObjectAsync(http, bucket, "k");
    }

    [Fact]
    public async Task PutObject_with_a_customer_key_over_plain_HTTP_is_InvalidRequest_and_stores_nothing()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("secret"u8.ToArray()), CustomerKey());
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(response));
        Assert.Equal("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.",
            XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements().Single(e => e.Name.LocalName == "Message").Value);
        await AssertNoObjectAsync(http, bucket, "k");
    }

    [Fact]
    public async Task GET_and_HEAD_with_a_customer_key_over_plain_HTTP_are_InvalidRequest()
    {
        var bucket = await NewBucketWithSourceAsync();
        using var http = new SignedHttp(fixture.Server);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/source", configure: CustomerKey());
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(get));
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/source", configure: CustomerKey());
        Assert.Equal(HttpStatusCode.BadRequest, head.StatusCode);
    }

    [Theory]
    [InlineData("x-amz-acl", "public-read", 400, "InvalidBucketAclWithObjectOwnership")]
    [InlineData("x-amz-acl", "log-delivery-write", 400, "InvalidBucketAclWithObjectOwnership")]
    [InlineData("x-amz-acl", "everyone", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-write", AllUsers, 400, "InvalidBucketAclWithObjectOwnership")]
    public async Task CreateBucket_asking_for_what_Cairn_does_not_give_is_refused_and_creates_nothing(string header, string value, int status, string code)
    {
        var bucket = ServerFixture.NewBucketName("refused");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, "/" + bucket, configure: r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
        using var head = await http.SendAsync(HttpMethod.Head, "/" + bucket);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Theory]
    [InlineData("x-amz-grant-read", AllUsers, 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-grant-read-acp", AllUsers, 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-grant-write-acp", AllUsers, 400, "AccessControlListNotSupported")]
    [InlineData("x-amz-server-side-encryption", "aws:kms:dsse", 501, "NotImplemented")]
    public async Task CreateMultipartUpload_asking_for_what_Cairn_does_not_give_is_refused_and_starts_no_upload(string header, string value, int status, string code)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploads", configure: r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
        var uploads = await S3.ListMultipartUploadsAsync(bucket);
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task UploadPart_and_UploadPartCopy_with_a_customer_key_over_plain_HTTP_are_InvalidRequest_and_store_no_part()
    {
        var bucket = await NewBucketWithSourceAsync();
        var upload = await S3.InitiateMultipartUploadAsync(bucket, "mpu");
        using var http = new SignedHttp(fixture.Server);
        using var part = await http.SendAsync(HttpMethod.Put, $"/{bucket}/mpu?partNumber=1&uploadId={upload.UploadId}",
            SignedHttp.Bytes("part bytes"u8.ToArray()), CustomerKey());
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(part));
        using var copy = await CopyAsync(http, bucket, $"mpu?partNumber=2&uploadId={upload.UploadId}", CustomerKey());
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(copy));
        var parts = await S3.ListPartsAsync(bucket, "mpu", upload.UploadId);
        Assert.Empty(parts.Parts ?? []);
    }

    [Fact]
    public async Task CopyObject_granting_public_read_in_a_bucket_without_ACLs_is_refused_and_stores_nothing()
    {
        var bucket = await NewBucketWithSourceAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await CopyAsync(http, bucket, "copy", r => r.Headers.TryAddWithoutValidation("x-amz-acl", "public-read"));
        Assert.Equal((400, "AccessControlListNotSupported"), await SignedHttp.ErrorOf(response));
        await AssertNoObjectAsync(http, bucket, "copy");
    }

    [Fact]
    public async Task CopyObject_with_a_customer_key_for_the_source_over_plain_HTTP_is_InvalidRequest_and_stores_nothing()
    {
        var bucket = await NewBucketWithSourceAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await CopyAsync(http, bucket, "copy", CustomerKey("x-amz-copy-source-server-side-encryption"));
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(response));
        await AssertNoObjectAsync(http, bucket, "copy");
    }

    [Theory]
    [InlineData("x-amz-acl", "private")]
    [InlineData("x-amz-acl", "bucket-owner-full-control")]
    [InlineData("x-amz-acl", "bucket-owner-read")]
    public async Task Headers_that_grant_nothing_beyond_the_default_are_accepted_on_PutObject_and_CreateMultipartUpload(string header, string value)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("hello"u8.ToArray()),
            r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var create = await http.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploads", configure: r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var uploadId = XDocument.Parse(await create.Content.ReadAsStringAsync()).Root!.Elements().Single(e => e.Name.LocalName == "UploadId").Value;
        await S3.AbortMultipartUploadAsync(bucket, "mpu", uploadId);
    }

    [Theory]
    [InlineData("x-amz-acl", "private")]
    [InlineData("x-amz-acl", "bucket-owner-full-control")]
    [InlineData("x-amz-acl", "bucket-owner-read")]
    [InlineData("x-amz-bucket-object-lock-enabled", "false")]
    public async Task Headers_that_grant_nothing_beyond_the_default_are_accepted_on_CreateBucket(string header, string value)
    {
        var bucket = ServerFixture.NewBucketName("plain");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, "/" + bucket, configure: r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var head = await http.SendAsync(HttpMethod.Head, "/" + bucket);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    /// <summary>The three SSE-C headers with a fresh 256-bit key: the object's own, or with the copy source's prefix.</summary>
    private static Action<HttpRequestMessage> CustomerKey(string prefix = "x-amz-server-side-encryption")
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return r =>
        {
            r.Headers.TryAddWithoutValidation(prefix + "-customer-algorithm", "AES256");
            r.Headers.TryAddWithoutValidation(prefix + "-customer-key", Convert.ToBase64String(key));
            r.Headers.TryAddWithoutValidation(prefix + "-customer-key-MD5", Convert.ToBase64String(MD5.HashData(key)));
        };
    }

    /// <summary>A server-side copy of the bucket's "source" object to <paramref name="target"/> (a key, or a part of an upload).</summary>
    private static Task<HttpResponseMessage> CopyAsync(SignedHttp http, string bucket, string target, Action<HttpRequestMessage> headers) =>
        http.SendAsync(HttpMethod.Put, $"/{bucket}/{target}", configure: r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-copy-source", $"/{bucket}/source");
            headers(r);
        });

    private static async Task AssertNoObjectAsync(SignedHttp http, string bucket, string key)
    {
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/{key}");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    private async Task<string> NewBucketAsync()
    {
        var name = ServerFixture.NewBucketName("nope");
        await S3.PutBucketAsync(name);
        return name;
    }

    /// <summary>A new bucket holding a plain object named "source".</summary>
    private async Task<string> NewBucketWithSourceAsync()
    {
        var name = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = "source", ContentBody = "source bytes" });
        return name;
    }
}
