using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// x-amz-expiration on PutObject, CopyObject, CompleteMultipartUpload, GetObject and HeadObject: the date an enabled
/// Expiration rule will expire the current version (creation + Days rounded up to the next midnight UTC, or the Date)
/// and the rule's ID; nothing where no such rule matches the key, tags and size.
/// </summary>
public sealed class ExpirationHeaderTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Rules = """
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule><ID>logs-30</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule>
          <Rule><ID>logs-7-tagged</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>short</Key><Value>yes</Value></Tag></And></Filter><Status>Enabled</Status>
            <Expiration><Days>7</Days></Expiration></Rule>
          <Rule><ID>on-a-date</ID><Filter><Prefix>dated/</Prefix></Filter><Status>Enabled</Status><Expiration><Date>2031-12-23T00:00:00.000Z</Date></Expiration></Rule>
          <Rule><ID>big-only</ID><Filter><And><Prefix>sized/</Prefix><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>
            <Expiration><Days>1</Days></Expiration></Rule>
          <Rule><ID>off</ID><Filter><Prefix>off/</Prefix></Filter><Status>Disabled</Status><Expiration><Days>1</Days></Expiration></Rule>
          <Rule><ID>history</ID><Filter><Prefix>nc/</Prefix></Filter><Status>Enabled</Status>
            <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>
          <Rule><ID>markers</ID><Filter><Prefix>dm/</Prefix></Filter><Status>Enabled</Status>
            <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration></Rule>
        </LifecycleConfiguration>
        """;

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Put_head_and_get_report_the_day_after_creation_plus_days_and_the_rule()
    {
        var bucket = await NewBucketAsync();
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/a", ContentBody = "x" });
        var head = await S3.GetObjectMetadataAsync(bucket, "logs/a");
        var expected = $"expiry-date=\"{Midnight(head.LastModified!.Value, 30)}\", rule-id=\"logs-30\"";
        Assert.Equal(("logs-30", ExpiryOf(head.LastModified!.Value, 30)), (put.Expiration.RuleId, put.Expiration.ExpiryDate.ToUniversalTime()));

        using var http = new SignedHttp(fixture.Server);
        using (var rawHead = await http.SendAsync(HttpMethod.Head, $"/{bucket}/logs/a"))
            Assert.Equal(expected, rawHead.Headers.GetValues("x-amz-expiration").Single());
        using (var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/logs/a"))
            Assert.Equal(expected, get.Headers.GetValues("x-amz-expiration").Single());
        Assert.Equal(("logs-30", ExpiryOf(head.LastModified!.Value, 30)), (head.Expiration.RuleId, head.Expiration.ExpiryDate.ToUniversalTime()));
    }

    [Fact]
    public async Task The_earliest_matching_rule_wins_and_tags_sizes_dates_and_disabled_rules_are_honoured()
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        async Task<string?> PutAsync(string key, byte[] body, string? tagging = null)
        {
            using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/{key}", SignedHttp.Bytes(body), r =>
            {
                if (tagging is not null) r.Headers.Add("x-amz-tagging", tagging);
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.TryGetValues("x-amz-expiration", out var values) ? values.Single() : null;
        }

        var tagged = await PutAsync("logs/t", [1], "short=yes");
        Assert.Matches("^expiry-date=\"[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} 00:00:00 GMT\", rule-id=\"logs-7-tagged\"$", tagged!);
        Assert.Contains("rule-id=\"logs-30\"", await PutAsync("logs/u", [1], "short=no"));
        Assert.Equal("expiry-date=\"Tue, 23 Dec 2031 00:00:00 GMT\", rule-id=\"on-a-date\"", await PutAsync("dated/x", [1]));
        Assert.Null(await PutAsync("sized/small", new byte[100]));
        Assert.Contains("rule-id=\"big-only\"", await PutAsync("sized/big", new byte[101]));
        Assert.Null(await PutAsync("off/x", [1]));
        Assert.Null(await PutAsync("nc/x", [1])); // noncurrent expiration is not reported
        Assert.Null(await PutAsync("dm/x", [1])); // nor a rule that only removes delete markers
        Assert.Null(await PutAsync("elsewhere", [1]));
    }

    [Fact]
    public async Task Copy_and_complete_multipart_report_it_for_the_new_object()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "body" });
        var copy = await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "logs/copy" });
        var copied = await S3.GetObjectMetadataAsync(bucket, "logs/copy");
        Assert.Equal(("logs-30", ExpiryOf(copied.LastModified!.Value, 30)), (copy.Expiration.RuleId, copy.Expiration.ExpiryDate.ToUniversalTime()));

        var create = await S3.InitiateMultipartUploadAsync(bucket, "logs/mp");
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "logs/mp", UploadId = create.UploadId, PartNumber = 1, InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(10)) });
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "logs/mp", UploadId = create.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        var completed = await S3.GetObjectMetadataAsync(bucket, "logs/mp");
        Assert.Equal(("logs-30", ExpiryOf(completed.LastModified!.Value, 30)), (complete.Expiration.RuleId, complete.Expiration.ExpiryDate.ToUniversalTime()));
    }

    [Fact]
    public async Task Only_the_current_version_carries_it_and_a_delete_marker_none()
    {
        var bucket = await NewBucketAsync(versioned: true);
        var old = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/v", ContentBody = "old" });
        var current = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logs/v", ContentBody = "new" });
        using var http = new SignedHttp(fixture.Server);
        using (var noncurrent = await http.SendAsync(HttpMethod.Head, $"/{bucket}/logs/v?versionId={Uri.EscapeDataString(old.VersionId)}"))
        {
            Assert.Equal(HttpStatusCode.OK, noncurrent.StatusCode);
            Assert.False(noncurrent.Headers.Contains("x-amz-expiration"));
        }
        using (var named = await http.SendAsync(HttpMethod.Head, $"/{bucket}/logs/v?versionId={Uri.EscapeDataString(current.VersionId)}"))
            Assert.Contains("rule-id=\"logs-30\"", named.Headers.GetValues("x-amz-expiration").Single());

        await S3.DeleteObjectAsync(bucket, "logs/v");
        using var hidden = await http.SendAsync(HttpMethod.Head, $"/{bucket}/logs/v");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.False(hidden.Headers.Contains("x-amz-expiration"));
    }

    [Fact]
    public async Task Without_a_configuration_or_after_it_is_deleted_there_is_no_header()
    {
        var bucket = await fixture.NewBucketAsync("noexp");
        using var http = new SignedHttp(fixture.Server);
        using (var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/logs/a", SignedHttp.Bytes([1])))
            Assert.False(put.Headers.Contains("x-amz-expiration"));

        await PutRulesAsync(http, bucket);
        using (var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/logs/a"))
            Assert.True(head.Headers.Contains("x-amz-expiration"));
        using (var delete = await http.SendAsync(HttpMethod.Delete, $"/{bucket}?lifecycle"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/logs/a"))
            Assert.False(head.Headers.Contains("x-amz-expiration"));
    }

    /// <summary>AWS: creation time plus the days, rounded up to the next midnight UTC.</summary>
    private static DateTime ExpiryOf(DateTime lastModified, int days) => lastModified.ToUniversalTime().Date.AddDays(days + 1);

    private static string Midnight(DateTime lastModified, int days) => ExpiryOf(lastModified, days).ToString("R", CultureInfo.InvariantCulture);

    private static async Task PutRulesAsync(SignedHttp http, string bucket)
    {
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", RawXml.Body(Rules));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    private async Task<string> NewBucketAsync(bool versioned = false)
    {
        var name = await fixture.NewBucketAsync("exp", versioned);
        using var http = new SignedHttp(fixture.Server);
        await PutRulesAsync(http, name);
        return name;
    }
}
