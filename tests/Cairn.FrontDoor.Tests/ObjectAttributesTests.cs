using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>GetObjectAttributes (GET ?attributes): attributes asked for and only those, parts and their paging, versions, errors.</summary>
public sealed class ObjectAttributesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MiB = 1024 * 1024;
    private static readonly XNamespace S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static readonly List<ObjectAttributes> Everything =
        [ObjectAttributes.ETag, ObjectAttributes.Checksum, ObjectAttributes.ObjectParts, ObjectAttributes.StorageClass, ObjectAttributes.ObjectSize];

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_single_part_object_reports_etag_checksum_class_and_size_but_no_parts()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(3000);
        var put = await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "one", InputStream = new MemoryStream(data), ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });

        var attributes = await S3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "one", ObjectAttributes = Everything });

        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), attributes.ETag);
        Assert.Equal(put.ETag.Trim('"'), attributes.ETag);
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(data)), attributes.Checksum.ChecksumSHA256);
        Assert.Equal(ChecksumType.FULL_OBJECT, attributes.Checksum.ChecksumType);
        Assert.Null(attributes.ObjectParts);
        Assert.Equal(S3StorageClass.Standard, attributes.StorageClass);
        Assert.Equal(3000, attributes.ObjectSize);
        Assert.Equal((await S3.GetObjectMetadataAsync(bucket, "one")).LastModified, attributes.LastModified);
        Assert.Null(attributes.VersionId);
    }

    [Fact]
    public async Task The_response_holds_only_the_attributes_asked_for_in_s3_order_with_an_unquoted_etag()
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "hello", StorageClass = S3StorageClass.StandardInfrequentAccess });
        var head = await S3.GetObjectMetadataAsync(bucket, "k");
        using var http = new SignedHttp(fixture.Server);

        // Asked in another order and with spaces: answered in S3's order.
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?attributes",
            configure: r => r.Headers.Add("x-amz-object-attributes", "ObjectSize, StorageClass,ETag"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(head.LastModified!.Value.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture), response.Content.Headers.LastModified?.ToString("R"));
        Assert.False(response.Headers.Contains("x-amz-version-id"));
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(S3Ns + "GetObjectAttributesResponse", root.Name);
        Assert.Equal(
            [(S3Ns + "ETag", head.ETag.Trim('"')), (S3Ns + "StorageClass", "STANDARD_IA"), (S3Ns + "ObjectSize", "5")],
            root.Elements().Select(e => (e.Name, e.Value)));

        // An object stored without a checksum has no Checksum element even when one is asked for.
        using var plain = await http.SendAsync(HttpMethod.Put, $"/{bucket}/plain", SignedHttp.Bytes("abc"u8.ToArray()));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using var checksum = await http.SendAsync(HttpMethod.Get, $"/{bucket}/plain?attributes", configure: r => r.Headers.Add("x-amz-object-attributes", "Checksum"));
        Assert.Empty(XDocument.Parse(await checksum.Content.ReadAsStringAsync()).Root!.Elements());
    }

    [Fact]
    public async Task A_composite_multipart_object_lists_its_parts_with_checksums_a_page_at_a_time()
    {
        var bucket = await NewBucketAsync();
        var data = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(1234) };
        var complete = await UploadAsync(bucket, "mp", data, ChecksumAlgorithm.SHA256, ChecksumType.COMPOSITE);
        var partSums = data.Select(d => SHA256.HashData(d)).ToArray();

        var first = await S3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "mp", ObjectAttributes = Everything, MaxParts = 2 });
        Assert.Equal(complete.ETag.Trim('"'), first.ETag);
        Assert.EndsWith("-3", first.ETag);
        // S3 reports the checksum of the parts' checksums here without the "-3" it carries in headers.
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(partSums.SelectMany(s => s).ToArray())), first.Checksum.ChecksumSHA256);
        Assert.Equal(complete.ChecksumSHA256, first.Checksum.ChecksumSHA256 + "-3");
        Assert.Equal(ChecksumType.COMPOSITE, first.Checksum.ChecksumType);
        Assert.Equal(10 * MiB + 1234, first.ObjectSize);
        var parts = first.ObjectParts;
        Assert.Equal((3, 0, 2, 2, true), (parts.TotalPartsCount, parts.PartNumberMarker, parts.NextPartNumberMarker, parts.MaxParts, parts.IsTruncated));
        Assert.Equal([(1, 5L * MiB, Convert.ToBase64String(partSums[0])), (2, 5L * MiB, Convert.ToBase64String(partSums[1]))],
            parts.Parts.Select(p => (p.PartNumber!.Value, p.Size!.Value, p.ChecksumSHA256)));

        var rest = (await S3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mp", ObjectAttributes = [ObjectAttributes.ObjectParts], PartNumberMarker = parts.NextPartNumberMarker,
        })).ObjectParts;
        Assert.Equal((3, 2, 3, 1000, false), (rest.TotalPartsCount, rest.PartNumberMarker, rest.NextPartNumberMarker, rest.MaxParts, rest.IsTruncated));
        Assert.Equal([(3, 1234L, Convert.ToBase64String(partSums[2]))], rest.Parts.Select(p => (p.PartNumber!.Value, p.Size!.Value, p.ChecksumSHA256)));

        // The wire form, element by element.
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/mp?attributes", configure: r =>
        {
            r.Headers.Add("x-amz-object-attributes", "ObjectParts");
            r.Headers.Add("x-amz-part-number-marker", "1");
            r.Headers.Add("x-amz-max-parts", "1");
        });
        var objectParts = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Elements().Single();
        Assert.Equal(S3Ns + "ObjectParts", objectParts.Name);
        Assert.Equal(["IsTruncated", "MaxParts", "NextPartNumberMarker", "PartNumberMarker", "Part", "PartsCount"], objectParts.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["true", "1", "2", "1", "3"], new[] { "IsTruncated", "MaxParts", "NextPartNumberMarker", "PartNumberMarker", "PartsCount" }.Select(n => objectParts.Element(S3Ns + n)!.Value));
        var part = objectParts.Element(S3Ns + "Part")!;
        Assert.Equal([("ChecksumSHA256", Convert.ToBase64String(partSums[1])), ("PartNumber", "2"), ("Size", (5 * MiB).ToString(CultureInfo.InvariantCulture))],
            part.Elements().Select(e => (e.Name.LocalName, e.Value)));
    }

    [Fact]
    public async Task A_full_object_checksum_multipart_object_reports_only_its_part_count()
    {
        var bucket = await NewBucketAsync();
        var data = new[] { RandomNumberGenerator.GetBytes(5 * MiB), RandomNumberGenerator.GetBytes(10) };
        var complete = await UploadAsync(bucket, "full", data, ChecksumAlgorithm.CRC32, ChecksumType.FULL_OBJECT);

        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/full?attributes", configure: r => r.Headers.Add("x-amz-object-attributes", "Checksum,ObjectParts"));
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["Checksum", "ObjectParts"], root.Elements().Select(e => e.Name.LocalName));
        Assert.Equal([("ChecksumCRC32", complete.ChecksumCRC32), ("ChecksumType", "FULL_OBJECT")],
            root.Element(S3Ns + "Checksum")!.Elements().Select(e => (e.Name.LocalName, e.Value)));
        Assert.Equal([("PartsCount", "2")], root.Element(S3Ns + "ObjectParts")!.Elements().Select(e => (e.Name.LocalName, e.Value)));
    }

    [Fact]
    public async Task Versions_are_answered_by_id_and_delete_markers_as_for_get_object()
    {
        var bucket = await NewBucketAsync(versioned: true);
        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });
        var v2 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second!" });

        var current = await S3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "k", ObjectAttributes = [ObjectAttributes.ObjectSize] });
        Assert.Equal((v2.VersionId, 7L), (current.VersionId, current.ObjectSize!.Value));
        var old = await S3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "k", VersionId = v1.VersionId, ObjectAttributes = [ObjectAttributes.ObjectSize, ObjectAttributes.ETag],
        });
        Assert.Equal((v1.VersionId, 5L, v1.ETag.Trim('"')), (old.VersionId, old.ObjectSize!.Value, old.ETag));

        var marker = await S3.DeleteObjectAsync(bucket, "k");
        using var http = new SignedHttp(fixture.Server);
        using (var hidden = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?attributes", configure: Asks("ETag")))
        {
            Assert.Equal((404, "NoSuchKey"), await SignedHttp.ErrorOf(hidden));
            Assert.Equal("true", hidden.Headers.GetValues("x-amz-delete-marker").Single());
            Assert.Equal(marker.VersionId, hidden.Headers.GetValues("x-amz-version-id").Single());
        }
        using (var named = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?attributes&versionId={marker.VersionId}", configure: Asks("ETag")))
        {
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(named));
            Assert.Equal("true", named.Headers.GetValues("x-amz-delete-marker").Single());
            Assert.Equal(marker.VersionId, named.Headers.GetValues("x-amz-version-id").Single());
            Assert.NotNull(named.Content.Headers.LastModified);
        }
        // The versions behind the marker still answer.
        var behind = await S3.GetObjectAttributesAsync(new GetObjectAttributesRequest { BucketName = bucket, Key = "k", VersionId = v2.VersionId, ObjectAttributes = [ObjectAttributes.StorageClass] });
        Assert.Equal(S3StorageClass.Standard, behind.StorageClass);
    }

    [Theory]
    [InlineData(null, 400, "InvalidRequest")]
    [InlineData("", 400, "InvalidRequest")]
    [InlineData(" , ", 400, "InvalidRequest")]
    [InlineData("ETag,Colour", 400, "InvalidArgument")]
    [InlineData("etag", 400, "InvalidArgument")]
    [InlineData("ETags", 400, "InvalidArgument")]
    public async Task A_missing_empty_or_unknown_attribute_list_is_refused(string? header, int status, string code)
    {
        var bucket = await NewBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?attributes", configure: r =>
        {
            if (header is not null) r.Headers.TryAddWithoutValidation("x-amz-object-attributes", header);
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
        if (code == "InvalidArgument")
        {
            var error = XDocument.Parse(body).Root!;
            Assert.Equal("Invalid attribute name specified.", error.Element("Message")!.Value);
            Assert.Equal("x-amz-object-attributes", error.Element("ArgumentName")!.Value);
        }
    }

    [Fact]
    public async Task Missing_objects_versions_and_buckets_and_bad_markers_answer_s3_errors()
    {
        var bucket = await NewBucketAsync(versioned: true);
        var gone = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "reaped" });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = gone.VersionId });
        using var http = new SignedHttp(fixture.Server);
        async Task<(int, string?)> Error(string path, Action<HttpRequestMessage>? more = null)
        {
            using var response = await http.SendAsync(HttpMethod.Get, path, configure: r =>
            {
                r.Headers.Add("x-amz-object-attributes", "ETag");
                more?.Invoke(r);
            });
            return await SignedHttp.ErrorOf(response);
        }

        Assert.Equal((404, "NoSuchKey"), await Error($"/{bucket}/absent?attributes"));
        Assert.Equal((404, "NoSuchVersion"), await Error($"/{bucket}/k?attributes&versionId={Uri.EscapeDataString(gone.VersionId)}"));
        Assert.Equal((404, "NoSuchBucket"), await Error($"/{ServerFixture.NewBucketName("none")}/k?attributes"));
        Assert.Equal((400, "InvalidArgument"), await Error($"/{bucket}/k?attributes", r => r.Headers.Add("x-amz-part-number-marker", "-1")));
        // S3 ignores a max-parts it cannot read.
        Assert.Equal((200, null), await Error($"/{bucket}/k?attributes", r => r.Headers.Add("x-amz-max-parts", "lots")));
        using var put2 = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?attributes", SignedHttp.Bytes([1]));
        Assert.Equal((501, "NotImplemented"), await SignedHttp.ErrorOf(put2));
    }

    private static Action<HttpRequestMessage> Asks(string attributes) => r => r.Headers.Add("x-amz-object-attributes", attributes);

    private async Task<CompleteMultipartUploadResponse> UploadAsync(string bucket, string key, byte[][] data, ChecksumAlgorithm algorithm, ChecksumType type)
    {
        var create = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = key, ChecksumAlgorithm = algorithm, ChecksumType = type,
        });
        var etags = new List<PartETag>();
        for (var i = 0; i < data.Length; i++)
        {
            var up = await S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(data[i]), ChecksumAlgorithm = algorithm,
            });
            etags.Add(new PartETag(i + 1, up.ETag) { ChecksumSHA256 = up.ChecksumSHA256, ChecksumCRC32 = up.ChecksumCRC32 });
        }
        return await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = create.UploadId, PartETags = etags });
    }

    private Task<string> NewBucketAsync(bool versioned = false) => fixture.NewBucketAsync("attr", versioned);
}
