using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// x-amz-optional-object-attributes: RestoreStatus on ListObjects, ListObjectsV2 and ListObjectVersions: each archived
/// object with a restore in progress or a live restored copy says so; nothing without the header, for objects never
/// restored, or for delete markers. A day lasts two seconds here.
/// </summary>
public sealed class RestoreStatusListingTests(FastDayServerFixture fixture) : IClassFixture<FastDayServerFixture>
{
    private static readonly XNamespace S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Listings_report_a_restore_in_progress_and_a_live_copy_when_asked()
    {
        var bucket = await fixture.NewBucketAsync("rstat", versioned: true);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a-live", ContentBody = "glacier", StorageClass = S3StorageClass.Glacier });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b-ongoing", ContentBody = "deep", StorageClass = S3StorageClass.DeepArchive });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c-archived", ContentBody = "never restored", StorageClass = S3StorageClass.Glacier });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "d-hot", ContentBody = "standard" });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "e-deleted", ContentBody = "x" });
        await S3.DeleteObjectAsync(bucket, "e-deleted");

        // Expedited GLACIER is ready within a fraction of a second here; Bulk DEEP_ARCHIVE takes 48 hours: four seconds.
        await S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "a-live", Days = 30, RetrievalTier = GlacierJobTier.Expedited });
        var live = await WaitForLiveCopyAsync(bucket, "a-live");
        await S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = bucket, Key = "b-ongoing", Days = 30, RetrievalTier = GlacierJobTier.Bulk });

        var v2 = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, OptionalObjectAttributes = [OptionalObjectAttributes.RestoreStatus] });
        AssertStatuses(v2.S3Objects, live);
        var v1 = await S3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, OptionalObjectAttributes = [OptionalObjectAttributes.RestoreStatus] });
        AssertStatuses(v1.S3Objects, live);
        var versions = await S3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, OptionalObjectAttributes = [OptionalObjectAttributes.RestoreStatus] });
        AssertStatuses(versions.Versions.Where(v => v.Key != "e-deleted"), live);

        // Without the header no object carries it.
        var plain = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.All(plain.S3Objects, o => Assert.Null(o.RestoreStatus));

        // On the wire: the last element of each entry, none in a delete marker.
        using var http = new SignedHttp(fixture.Server);
        using var list = await http.SendAsync(HttpMethod.Get, $"/{bucket}?versions", configure: r => r.Headers.Add("x-amz-optional-object-attributes", "RestoreStatus"));
        var root = XDocument.Parse(await list.Content.ReadAsStringAsync()).Root!;
        var entries = root.Elements().Where(e => e.Name.LocalName is "Version" or "DeleteMarker").ToList();
        var statuses = entries.Where(e => e.Element(S3Ns + "RestoreStatus") is not null).ToList();
        Assert.Equal(["a-live", "b-ongoing"], statuses.Select(e => e.Element(S3Ns + "Key")!.Value));
        Assert.All(statuses, e => Assert.Equal("RestoreStatus", e.Elements().Last().Name.LocalName));
        Assert.Equal(["IsRestoreInProgress", "RestoreExpiryDate"], statuses[0].Element(S3Ns + "RestoreStatus")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["true"], statuses[1].Element(S3Ns + "RestoreStatus")!.Elements().Select(e => e.Value));
        Assert.Contains(entries, e => e.Name.LocalName == "DeleteMarker");
    }

    [Theory]
    [InlineData("?list-type=2")]
    [InlineData("")]
    [InlineData("?versions")]
    public async Task An_unknown_optional_attribute_is_refused(string query)
    {
        var bucket = await fixture.NewBucketAsync("rstat");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}{query}", configure: r => r.Headers.Add("x-amz-optional-object-attributes", "RestoreStatus,Owner"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
        Assert.Equal("Owner", XDocument.Parse(body).Root!.Element("ArgumentValue")!.Value);
    }

    private static void AssertStatuses(IEnumerable<S3Object> objects, GetObjectMetadataResponse live)
    {
        var byKey = objects.ToDictionary(o => o.Key, o => o.RestoreStatus);
        Assert.Equal(["a-live", "b-ongoing", "c-archived", "d-hot"], byKey.Keys.Order());
        Assert.False(byKey["a-live"]!.IsRestoreInProgress);
        Assert.Equal(live.RestoreExpiration!.Value.ToUniversalTime(), byKey["a-live"]!.RestoreExpiryDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
        Assert.True(byKey["b-ongoing"]!.IsRestoreInProgress);
        Assert.Null(byKey["b-ongoing"]!.RestoreExpiryDate);
        Assert.Null(byKey["c-archived"]);
        Assert.Null(byKey["d-hot"]);
    }

    private async Task<GetObjectMetadataResponse> WaitForLiveCopyAsync(string bucket, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var head = await S3.GetObjectMetadataAsync(bucket, key);
            if (head.RestoreInProgress != true && head.RestoreExpiration is not null) return head;
            Assert.True(DateTime.UtcNow < deadline, $"{key}: the restored copy never became live");
            await Task.Delay(50);
        }
    }
}
