using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>Bucket tagging: Put/Get/DeleteBucketTagging, S3's limits (50 tags), NoSuchTagSet.</summary>
public sealed class BucketTaggingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Tags_put_on_a_bucket_are_listed_in_key_order_and_deleting_them_leaves_NoSuchTagSet()
    {
        var bucket = await NewBucketAsync();
        var put = await S3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "team", Value = "blue" }, new Tag { Key = "env", Value = "prod test" }] });
        Assert.Equal(HttpStatusCode.NoContent, put.HttpStatusCode);

        var got = await S3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket });
        Assert.Equal([("env", "prod test"), ("team", "blue")], got.TagSet.Select(t => (t.Key, t.Value)));

        var delete = await S3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.NoContent, delete.HttpStatusCode);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal(("NoSuchTagSet", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
    }

    [Fact]
    public async Task Get_bucket_tagging_answers_a_Tagging_document_in_S3s_namespace_and_a_missing_set_names_the_bucket()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using (var none = await http.SendAsync(HttpMethod.Get, $"/{bucket}?tagging"))
        {
            var error = RawXml.Parse(await none.Content.ReadAsStringAsync());
            Assert.Equal((404, "NoSuchTagSet", bucket), ((int)none.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "BucketName")));
        }
        using (var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?tagging", RawXml.Body(Tagging(("b", "2"), ("a", "1")))))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?tagging");
        Assert.Equal("application/xml", get.Content.Headers.ContentType?.MediaType);
        var root = StrictXml.Root(await get.Content.ReadAsStringAsync(), "Tagging");
        Assert.Equal(["TagSet"], StrictXml.Names(root));
        var tags = StrictXml.Child(root, "TagSet");
        Assert.Equal(["Tag", "Tag"], StrictXml.Names(tags));
        Assert.All(tags.Elements(), tag => Assert.Equal(["Key", "Value"], StrictXml.Names(tag)));
        Assert.Equal(["a", "1", "b", "2"], tags.Elements().SelectMany(t => t.Elements()).Select(e => e.Value));
    }

    [Fact]
    public async Task A_bucket_takes_50_tags_and_refuses_51_with_BadRequest()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        var fifty = Enumerable.Range(0, 50).Select(i => ($"k{i:00}", "v")).ToArray();
        using (var ok = await http.SendAsync(HttpMethod.Put, $"/{bucket}?tagging", RawXml.Body(Tagging(fifty))))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using var refused = await http.SendAsync(HttpMethod.Put, $"/{bucket}?tagging", RawXml.Body(Tagging([.. fifty, ("k50", "v")])));
        var error = RawXml.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal((400, "BadRequest", "Bucket tag count cannot be greater than 50"),
            ((int)refused.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message")));
        Assert.Equal(50, (await S3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket })).TagSet.Count);
    }

    [Theory]
    [InlineData("<Tagging><TagSet><Tag><Key>aws:owner</Key><Value>x</Value></Tag></TagSet></Tagging>", 400, "InvalidTag")]
    [InlineData("<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></TagSet></Tagging>", 400, "InvalidTag")]
    [InlineData("<Tagging><TagSet><Tag><Key></Key><Value>x</Value></Tag></TagSet></Tagging>", 400, "InvalidTag")]
    [InlineData("<Tagging><TagSet><Tag><Key>a</Key><Value>semi;colon</Value></Tag></TagSet></Tagging>", 400, "InvalidTag")]
    [InlineData("<Tagging><Tags/></Tagging>", 400, "MalformedXML")]
    [InlineData("<Tagging><TagSet>", 400, "MalformedXML")]
    public async Task Tags_S3_refuses_are_refused_with_its_code_and_store_nothing(string body, int status, string code) =>
        await BucketSettingRefusal.AssertRefusedAsync(fixture.Server, await NewBucketAsync(), "tagging", body, (status, code, null), "NoSuchTagSet");

    [Fact]
    public async Task Tagging_a_missing_bucket_is_NoSuchBucket_and_a_bucket_created_again_has_no_tags()
    {
        using var http = new SignedHttp(fixture.Server);
        var absent = ServerFixture.NewBucketName("absent");
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete })
        {
            using var response = await http.SendAsync(method, $"/{absent}?tagging");
            Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(response));
        }
        using (var put = await http.SendAsync(HttpMethod.Put, $"/{absent}?tagging", RawXml.Body(Tagging(("a", "1")))))
            Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(put));

        var bucket = await NewBucketAsync();
        await S3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = [new Tag { Key = "a", Value = "1" }] });
        await S3.DeleteBucketAsync(bucket);
        await S3.PutBucketAsync(bucket);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?tagging");
        Assert.Equal((404, "NoSuchTagSet"), await SignedHttp.ErrorOf(get));
    }

    private static string Tagging(params (string Key, string Value)[] tags) =>
        "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet>"
        + string.Concat(tags.Select(t => $"<Tag><Key>{RawXml.Text(t.Key)}</Key><Value>{RawXml.Text(t.Value)}</Value></Tag>"))
        + "</TagSet></Tagging>";

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("bt");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }
}
