using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Conditional writes and deletes (If-None-Match: *, If-Match, DeleteObject's x-amz-if-match-*), as S3 has
/// them since 2024–2025. Tools build locks and commit protocols on them, so an ignored condition loses data.
/// </summary>
public sealed class ConditionalWriteTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Put_if_none_match_creates_once_and_refuses_an_existing_key()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var created = await PutAsync(http, bucket, "lock", "first", ("If-None-Match", "*"));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var refused = await PutAsync(http, bucket, "lock", "second", ("If-None-Match", "*"));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(refused));
        Assert.Equal("first", await ReadAsync(bucket, "lock"));
        // A key whose current version is a delete marker does not exist: the create succeeds.
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await S3.DeleteObjectAsync(bucket, "lock");
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(http, bucket, "lock", "third", ("If-None-Match", "*"))).StatusCode);
        Assert.Equal("third", await ReadAsync(bucket, "lock"));
    }

    [Fact]
    public async Task Concurrent_create_only_writers_have_exactly_one_winner()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
            (int)(await PutAsync(http, bucket, "race", $"writer {i}", ("If-None-Match", "*"))).StatusCode)));
        Assert.Equal(1, results.Count(s => s == 200));
        Assert.Equal(11, results.Count(s => s == 412));
    }

    [Fact]
    public async Task Put_if_match_writes_only_over_the_named_etag()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var missing = await PutAsync(http, bucket, "doc", "x", ("If-Match", "\"00000000000000000000000000000000\""));
        Assert.Equal((404, "NoSuchKey"), await SignedHttp.ErrorOf(missing));
        var first = await PutAsync(http, bucket, "doc", "v1");
        var etag = first.Headers.ETag!.Tag;
        var wrong = await PutAsync(http, bucket, "doc", "v2", ("If-Match", "\"ffffffffffffffffffffffffffffffff\""));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(wrong));
        Assert.Equal("v1", await ReadAsync(bucket, "doc"));
        var right = await PutAsync(http, bucket, "doc", "v2", ("If-Match", etag));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("v2", await ReadAsync(bucket, "doc"));
        // The ETag it matched is gone now: a second writer holding it loses.
        var stale = await PutAsync(http, bucket, "doc", "v3", ("If-Match", etag));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(stale));
    }

    [Fact]
    public async Task Complete_multipart_upload_and_copy_honour_the_destination_conditions()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        await PutAsync(http, bucket, "taken", "already here");
        var create = await S3.InitiateMultipartUploadAsync(bucket, "taken");
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "taken", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]) });
        var manifest = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.ETag}</ETag></Part></CompleteMultipartUpload>";
        var complete = await http.SendAsync(HttpMethod.Post, $"/{bucket}/taken?uploadId={create.UploadId}", new StringContent(manifest),
            r => r.Headers.TryAddWithoutValidation("If-None-Match", "*"));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(complete));
        Assert.Equal("already here", await ReadAsync(bucket, "taken"));
        // Refused, the upload is still there to complete without the condition.
        Assert.Single((await S3.ListMultipartUploadsAsync(bucket)).MultipartUploads);

        await PutAsync(http, bucket, "source", "copied bytes");
        var copy = await http.SendAsync(HttpMethod.Put, $"/{bucket}/taken", null, r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-copy-source", $"/{bucket}/source");
            r.Headers.TryAddWithoutValidation("If-None-Match", "*");
        });
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(copy));
        var fresh = await http.SendAsync(HttpMethod.Put, $"/{bucket}/fresh", null, r =>
        {
            r.Headers.TryAddWithoutValidation("x-amz-copy-source", $"/{bucket}/source");
            r.Headers.TryAddWithoutValidation("If-None-Match", "*");
        });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("copied bytes", await ReadAsync(bucket, "fresh"));
    }

    [Fact]
    public async Task Delete_object_honours_if_match_last_modified_time_and_size()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var put = await PutAsync(http, bucket, "k", "twelve bytes");
        var etag = put.Headers.ETag!.Tag;
        var head = await S3.GetObjectMetadataAsync(bucket, "k");

        var wrongEtag = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k", null, r => r.Headers.TryAddWithoutValidation("If-Match", "\"0123\""));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(wrongEtag));
        var wrongSize = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k", null, r => r.Headers.TryAddWithoutValidation("x-amz-if-match-size", "13"));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(wrongSize));
        var wrongTime = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k", null,
            r => r.Headers.TryAddWithoutValidation("x-amz-if-match-last-modified-time", head.LastModified!.Value.AddHours(-1).ToUniversalTime().ToString("r")));
        Assert.Equal((412, "PreconditionFailed"), await SignedHttp.ErrorOf(wrongTime));
        Assert.Equal("twelve bytes", await ReadAsync(bucket, "k"));

        var matching = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k", null, r =>
        {
            r.Headers.TryAddWithoutValidation("If-Match", etag);
            r.Headers.TryAddWithoutValidation("x-amz-if-match-size", "12");
            r.Headers.TryAddWithoutValidation("x-amz-if-match-last-modified-time", head.LastModified!.Value.ToUniversalTime().ToString("r"));
        });
        Assert.Equal(HttpStatusCode.NoContent, matching.StatusCode);
        var missing = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k", null, r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        Assert.Equal((404, "NoSuchKey"), await SignedHttp.ErrorOf(missing));
    }

    [Fact]
    public async Task Delete_objects_checks_each_objects_conditions_on_its_own()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var a = (await PutAsync(http, bucket, "a", "aaa")).Headers.ETag!.Tag;
        await PutAsync(http, bucket, "b", "bbb");
        var body = $"""
            <Delete>
              <Object><Key>a</Key><ETag>{a}</ETag><Size>3</Size></Object>
              <Object><Key>b</Key><ETag>"not-b"</ETag></Object>
            </Delete>
            """;
        var response = await http.SendAsync(HttpMethod.Post, $"/{bucket}?delete", new StringContent(body), r =>
            r.Content!.Headers.TryAddWithoutValidation("Content-MD5", Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(body)))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["a"], result.Elements().Where(e => e.Name.LocalName == "Deleted").Select(e => e.Elements().First(c => c.Name.LocalName == "Key").Value));
        var error = Assert.Single(result.Elements(), e => e.Name.LocalName == "Error");
        Assert.Equal("b", error.Elements().First(c => c.Name.LocalName == "Key").Value);
        Assert.Equal("PreconditionFailed", error.Elements().First(c => c.Name.LocalName == "Code").Value);
        Assert.Equal("bbb", await ReadAsync(bucket, "b"));
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "a"));
    }

    private static Task<HttpResponseMessage> PutAsync(SignedHttp http, string bucket, string key, string body, params (string Name, string Value)[] headers) =>
        http.SendAsync(HttpMethod.Put, $"/{bucket}/{key}", new StringContent(body), r =>
        {
            foreach (var (name, value) in headers) r.Headers.TryAddWithoutValidation(name, value);
        });

    private async Task<string> ReadAsync(string bucket, string key)
    {
        using var get = await S3.GetObjectAsync(bucket, key);
        return await new StreamReader(get.ResponseStream).ReadToEndAsync();
    }

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("cond");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }
}
