using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>S3 object tagging: the x-amz-tagging header, the ?tagging subresource, versions, copies, uploads and S3's limits.</summary>
public sealed class ObjectTaggingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Put_object_with_tags_stores_them_and_get_object_tagging_lists_them_in_key_order()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("team", "blue"), ("env", "prod test")) });
        var tagging = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.Equal([("env", "prod test"), ("team", "blue")], Pairs(tagging.Tagging));
        Assert.Null(tagging.VersionId);
    }

    [Fact]
    public async Task An_untagged_object_has_an_empty_tag_set_and_no_tagging_count()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        Assert.Empty(Pairs((await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging));
        using var http = new SignedHttp(fixture.Server);
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.False(head.Headers.Contains("x-amz-tagging-count"));
    }

    [Fact]
    public async Task Get_and_head_report_the_number_of_tags_in_x_amz_tagging_count()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("a", "1"), ("b", "2"), ("c", "3")) });
        using (var get = await S3.GetObjectAsync(bucket, "k"))
            Assert.Equal(3, get.TagCount);
        using var http = new SignedHttp(fixture.Server);
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal("3", head.Headers.GetValues("x-amz-tagging-count").Single());
    }

    [Fact]
    public async Task Put_object_tagging_replaces_the_whole_set_without_touching_bytes_version_or_last_modified()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "body", TagSet = Tags(("a", "1"), ("b", "2")) });
        var before = await S3.GetObjectMetadataAsync(bucket, "k");
        await Task.Delay(1100); // Last-Modified has one-second resolution: a rewrite would show.

        await S3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = Tags(("c", "3")) } });

        Assert.Equal([("c", "3")], Pairs((await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging));
        var after = await S3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal((before.ETag, before.LastModified), (after.ETag, after.LastModified));
        Assert.Single((await S3.ListVersionsAsync(bucket)).Versions);
        using var get = await S3.GetObjectAsync(bucket, "k");
        Assert.Equal("body", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Delete_object_tagging_empties_the_set_and_answers_204()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("a", "1")) });
        var delete = await S3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(HttpStatusCode.NoContent, delete.HttpStatusCode);
        Assert.Empty(Pairs((await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging));
        using var get = await S3.GetObjectAsync(bucket, "k");
        Assert.False(get.TagCount > 0);
    }

    [Fact]
    public async Task Tagging_a_named_version_changes_that_version_only_and_answers_its_version_id()
    {
        var bucket = await NewBucketAsync(versioned: true);
        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one", TagSet = Tags(("gen", "1")) });
        var v2 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });

        var put = await S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket, Key = "k", VersionId = v1.VersionId, Tagging = new Tagging { TagSet = Tags(("gen", "first")) },
        });
        Assert.Equal(v1.VersionId, put.VersionId);
        var old = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId });
        Assert.Equal([("gen", "first")], Pairs(old.Tagging));
        Assert.Equal(v1.VersionId, old.VersionId);
        var current = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" });
        Assert.Empty(Pairs(current.Tagging));
        Assert.Equal(v2.VersionId, current.VersionId);

        var delete = await S3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId });
        Assert.Equal(v1.VersionId, delete.VersionId);
        Assert.Empty(Pairs((await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId })).Tagging));
        Assert.Equal(2, (await S3.ListVersionsAsync(bucket)).Versions.Count);
    }

    [Fact]
    public async Task Tagging_a_missing_key_or_version_is_404_and_a_delete_marker_is_405()
    {
        var bucket = await NewBucketAsync(versioned: true);
        using var http = new SignedHttp(fixture.Server);
        using (var missing = await http.SendAsync(HttpMethod.Get, $"/{bucket}/absent?tagging"))
            Assert.Equal((404, "NoSuchKey"), await SignedHttp.ErrorOf(missing));

        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId });
        using (var reaped = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?tagging&versionId={v1.VersionId}"))
            Assert.Equal((404, "NoSuchVersion"), await SignedHttp.ErrorOf(reaped));

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var marker = await S3.DeleteObjectAsync(bucket, "k");
        foreach (var query in new[] { "?tagging", $"?tagging&versionId={marker.VersionId}" })
        {
            using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k{query}");
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(get));
            Assert.Equal("true", get.Headers.GetValues("x-amz-delete-marker").Single());
            using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k{query}", Xml(TaggingXml(("a", "1"))));
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(put));
            using var delete = await http.SendAsync(HttpMethod.Delete, $"/{bucket}/k{query}");
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(delete));
        }
    }

    [Fact]
    public async Task Copy_keeps_the_source_tags_by_default_and_REPLACE_takes_the_request_tags()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x", TagSet = Tags(("origin", "source")) });

        await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "copied" });
        Assert.Equal([("origin", "source")], await TagsOfAsync(bucket, "copied"));

        await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "replaced",
            TaggingDirective = TaggingDirective.REPLACE, TagSet = Tags(("origin", "copy"), ("extra", "1")),
        });
        Assert.Equal([("extra", "1"), ("origin", "copy")], await TagsOfAsync(bucket, "replaced"));

        await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "cleared", TaggingDirective = TaggingDirective.REPLACE,
        });
        Assert.Empty(await TagsOfAsync(bucket, "cleared"));
        Assert.Equal([("origin", "source")], await TagsOfAsync(bucket, "src"));
    }

    [Fact]
    public async Task An_unknown_tagging_directive_is_InvalidArgument()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/dst", configure: r =>
        {
            r.Headers.Add("x-amz-copy-source", $"/{bucket}/src");
            r.Headers.Add("x-amz-tagging-directive", "MERGE");
        });
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task A_multipart_upload_created_with_tags_completes_into_a_tagged_object()
    {
        var bucket = await NewBucketAsync();
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "mp", TagSet = Tags(("kind", "multipart")) });
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(1000)) });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "mp", UploadId = create.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        Assert.Equal([("kind", "multipart")], await TagsOfAsync(bucket, "mp"));
        using var get = await S3.GetObjectAsync(bucket, "mp");
        Assert.Equal(1, get.TagCount);
    }

    [Theory]
    [InlineData("foo=bar&bar", "bar=|foo=bar")]
    [InlineData("k=a+b&sp%20ace=%C3%A9t%C3%A9", "k=a b|sp ace=été")]
    [InlineData("a=1&", "a=1")]
    public async Task The_tagging_header_is_decoded_as_a_url_query(string header, string expected)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("x"u8.ToArray()), r => r.Headers.Add("x-amz-tagging", header));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(expected, string.Join('|', (await TagsOfAsync(bucket, "k")).Select(t => $"{t.Key}={t.Value}")));
    }

    [Theory]
    [InlineData("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11", 400, "BadRequest")]
    [InlineData("a=1=2", 400, "InvalidArgument")]
    [InlineData("a=1&a=2", 400, "InvalidArgument")]
    [InlineData("aws%3Akey=1", 400, "InvalidTag")]
    [InlineData("=value", 400, "InvalidTag")]
    [InlineData("k=a%2Cb", 400, "InvalidTag")]
    public async Task An_invalid_tagging_header_fails_the_put_and_stores_nothing(string header, int status, string code)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("x"u8.ToArray()), r => r.Headers.Add("x-amz-tagging", header));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(put));
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task The_tagging_header_meets_the_same_limits_on_PutObject_CopyObject_and_CreateMultipartUpload()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var eleven = string.Join('&', Enumerable.Range(0, 11).Select(i => $"k{i}=v"));
        foreach (var (header, code, message) in new[]
                 {
                     (new string('k', 129) + "=v", "InvalidTag", "The TagKey you have provided is invalid"),
                     ("k=" + new string('v', 257), "InvalidTag", "The TagValue you have provided is invalid"),
                     (eleven, "BadRequest", "Object tags cannot be greater than 10"),
                 })
        {
            using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("x"u8.ToArray()), r => r.Headers.Add("x-amz-tagging", header));
            Assert.Equal((400, code, message), await ErrorWithMessageAsync(put));
            using var create = await http.SendAsync(HttpMethod.Post, $"/{bucket}/mpu?uploads", configure: r => r.Headers.Add("x-amz-tagging", header));
            Assert.Equal((400, code, message), await ErrorWithMessageAsync(create));
        }
        // 128 and 256 characters fit.
        using (var longest = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("x"u8.ToArray()),
                   r => r.Headers.Add("x-amz-tagging", new string('k', 128) + "=" + new string('v', 256))))
            Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        using var copy = await http.SendAsync(HttpMethod.Put, $"/{bucket}/copy", configure: r =>
        {
            r.Headers.Add("x-amz-copy-source", $"/{bucket}/k");
            r.Headers.Add("x-amz-tagging-directive", "REPLACE");
            r.Headers.Add("x-amz-tagging", eleven);
        });
        Assert.Equal((400, "BadRequest", "Object tags cannot be greater than 10"), await ErrorWithMessageAsync(copy));
    }

    private static async Task<(int Status, string? Code, string? Message)> ErrorWithMessageAsync(HttpResponseMessage response)
    {
        var error = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        return ((int)response.StatusCode, error.Element("Code")?.Value, error.Element("Message")?.Value);
    }

    [Fact]
    public async Task Eleven_tags_through_the_sdk_are_BadRequest()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var tags = Enumerable.Range(0, 11).Select(i => ($"k{i}", "v")).ToArray();
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            S3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "k", Tagging = new Tagging { TagSet = Tags(tags) } }));
        Assert.Equal(("BadRequest", HttpStatusCode.BadRequest), (e.ErrorCode, e.StatusCode));
        Assert.Equal("Object tags cannot be greater than 10", e.Message);
    }

    [Theory]
    [InlineData("too-long-key", 400, "InvalidTag")]
    [InlineData("too-long-value", 400, "InvalidTag")]
    [InlineData("empty-key", 400, "InvalidTag")]
    [InlineData("duplicate-key", 400, "InvalidTag")]
    [InlineData("aws-prefix", 400, "InvalidTag")]
    [InlineData("AWS-prefix", 400, "InvalidTag")]
    [InlineData("disallowed-character", 400, "InvalidTag")]
    [InlineData("eleven-tags", 400, "BadRequest")]
    [InlineData("not-xml", 400, "MalformedXML")]
    [InlineData("wrong-root", 400, "MalformedXML")]
    [InlineData("no-tag-set", 400, "MalformedXML")]
    [InlineData("tag-without-value", 400, "MalformedXML")]
    public async Task An_invalid_tag_set_is_refused_and_the_old_tags_stay(string @case, int status, string code)
    {
        var body = @case switch
        {
            "too-long-key" => TaggingXml((new string('k', 129), "v")),
            "too-long-value" => TaggingXml(("k", new string('v', 257))),
            "empty-key" => TaggingXml(("", "v")),
            "duplicate-key" => TaggingXml(("k", "1"), ("k", "2")),
            "aws-prefix" => TaggingXml(("aws:k", "v")),
            "AWS-prefix" => TaggingXml(("AWS:k", "v")),
            "disallowed-character" => TaggingXml(("k", "a,b")),
            "eleven-tags" => TaggingXml(Enumerable.Range(0, 11).Select(i => ($"k{i}", "v")).ToArray()),
            "not-xml" => "<Tagging><TagSet>",
            "wrong-root" => "<Tags><TagSet/></Tags>",
            "no-tag-set" => "<Tagging/>",
            "tag-without-value" => "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("kept", "yes")) });
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?tagging", Xml(body));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(put));
        Assert.Equal([("kept", "yes")], await TagsOfAsync(bucket, "k"));
    }

    [Fact]
    public async Task Ten_tags_at_the_longest_key_and_value_are_accepted_counting_utf16_units()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        // "é" is one UTF-16 unit (two UTF-8 bytes): S3 counts UTF-16 units, so 128 of them still fit.
        var tags = Enumerable.Range(0, 10).Select(i => (i + new string('é', 127), new string('v', 256))).ToArray();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?tagging", Xml(TaggingXml(tags)));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(tags.OrderBy(t => t.Item1, StringComparer.Ordinal), (await TagsOfAsync(bucket, "k")).Select(t => (t.Key, t.Value)));
    }

    [Theory]
    [InlineData("Content-MD5")]
    [InlineData("x-amz-checksum-crc32")]
    public async Task A_tag_set_that_does_not_match_its_digest_is_BadDigest(string header)
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?tagging", Xml(TaggingXml(("a", "1"))), r =>
        {
            if (header == "Content-MD5") r.Content!.Headers.ContentMD5 = MD5.HashData("something else"u8);
            else r.Headers.Add(header, "AAAAAA==");
        });
        Assert.Equal((400, "BadDigest"), await SignedHttp.ErrorOf(put));
        Assert.Empty(await TagsOfAsync(bucket, "k"));
    }

    private static List<Tag> Tags(params (string Key, string Value)[] tags) => tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();

    private static List<(string Key, string Value)> Pairs(List<Tag>? tags) => (tags ?? []).Select(t => (t.Key, t.Value)).ToList();

    private async Task<List<(string Key, string Value)>> TagsOfAsync(string bucket, string key) =>
        Pairs((await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key })).Tagging);

    private static string TaggingXml(params (string Key, string Value)[] tags) =>
        "<Tagging><TagSet>" + string.Concat(tags.Select(t => $"<Tag><Key>{t.Key}</Key><Value>{t.Value}</Value></Tag>")) + "</TagSet></Tagging>";

    private static ByteArrayContent Xml(string body) => SignedHttp.Bytes(Encoding.UTF8.GetBytes(body), "application/xml");

    private async Task<string> NewBucketAsync(bool versioned = false)
    {
        var name = ServerFixture.NewBucketName("tag");
        await S3.PutBucketAsync(name);
        if (versioned)
            await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = name, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        return name;
    }
}
