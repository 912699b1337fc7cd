using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Every XML response validates against S3's shapes (Schemas/S3Responses.xsd, S3Error.xsd): element names, order,
/// namespace and types, for empty results, truncated pages, delimiters and CommonPrefixes, and url encoding.
/// </summary>
public sealed class XmlShapeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const int MiB = 1024 * 1024;
    private readonly RawS3 raw = new(fixture.Server);

    [Fact]
    public async Task Bucket_responses_and_errors_have_S3s_shapes()
    {
        var bucket = await NewBucketAsync();
        var all = await XmlAsync("/", "ListAllMyBucketsResult");
        Assert.Equal(["Owner", "Buckets"], S3Schema.ChildNames(all));
        Assert.Equal("", (await XmlAsync($"/{bucket}?location", "LocationConstraint")).Value);
        Assert.Empty((await XmlAsync($"/{bucket}?versioning", "VersioningConfiguration")).Elements());
        await SendAsync(HttpMethod.Put, $"/{bucket}?versioning", Body("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>"));
        Assert.Equal("Enabled", (await XmlAsync($"/{bucket}?versioning", "VersioningConfiguration")).Value);

        var missing = await XmlAsync("/no-such-bucket-here/k", "Error", status: 404);
        Assert.Equal(["Code", "Message", "BucketName", "Resource", "RequestId"], S3Schema.ChildNames(missing));
        Assert.Equal(XNamespace.None, missing.Name.Namespace);
        await XmlAsync($"/{bucket}/no-such-key", "Error", status: 404);
        await XmlAsync($"/{bucket}?list-type=2&max-keys=x", "Error", status: 400);
    }

    [Fact]
    public async Task Object_listings_have_S3s_shapes_when_empty_truncated_delimited_and_url_encoded()
    {
        var bucket = await NewBucketAsync();
        var empty2 = await XmlAsync($"/{bucket}?list-type=2", "ListBucketResult");
        Assert.Equal(["Name", "Prefix", "KeyCount", "MaxKeys", "IsTruncated"], S3Schema.ChildNames(empty2));
        var empty1 = await XmlAsync($"/{bucket}", "ListBucketResult");
        Assert.Equal(["Name", "Prefix", "Marker", "MaxKeys", "IsTruncated"], S3Schema.ChildNames(empty1));

        foreach (var key in new[] { "a b/1", "a b/2", "c+d", "e" }) await PutAsync(bucket, key, "x");
        await PutAsync(bucket, "sum", "with a checksum", request => request.Headers.Add("x-amz-checksum-crc32", RawS3.Crc32("with a checksum")));

        var page = await XmlAsync($"/{bucket}?list-type=2&max-keys=2&fetch-owner=true", "ListBucketResult");
        Assert.Equal(["Name", "Prefix", "NextContinuationToken", "KeyCount", "MaxKeys", "IsTruncated", "Contents", "Contents"], S3Schema.ChildNames(page));
        Assert.Equal(["Key", "LastModified", "ETag", "Size", "Owner", "StorageClass"], S3Schema.ChildNames(page.Elements().First(e => e.Name.LocalName == "Contents")));
        var token = Uri.EscapeDataString(page.Element(S3Schema.Name("NextContinuationToken"))!.Value);
        var next = await XmlAsync($"/{bucket}?list-type=2&max-keys=2&continuation-token={token}&start-after=a", "ListBucketResult");
        Assert.Equal(["Name", "Prefix", "StartAfter", "ContinuationToken", "NextContinuationToken", "KeyCount", "MaxKeys", "IsTruncated", "Contents", "Contents"],
            S3Schema.ChildNames(next));

        var delimited = await XmlAsync($"/{bucket}?list-type=2&delimiter=/&encoding-type=url", "ListBucketResult");
        Assert.Equal(["Name", "Prefix", "KeyCount", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated", "Contents", "Contents", "Contents", "CommonPrefixes"],
            S3Schema.ChildNames(delimited));
        Assert.Equal("a%20b/", delimited.Element(S3Schema.Name("CommonPrefixes"))!.Value);
        var summed = delimited.Elements(S3Schema.Name("Contents")).Single(c => c.Element(S3Schema.Name("Key"))!.Value == "sum");
        Assert.Equal(["Key", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size", "StorageClass"], S3Schema.ChildNames(summed));

        var v1 = await XmlAsync($"/{bucket}?max-keys=1&delimiter=/&encoding-type=url", "ListBucketResult");
        Assert.Equal(["Name", "Prefix", "Marker", "NextMarker", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated", "CommonPrefixes"], S3Schema.ChildNames(v1));
        await XmlAsync($"/{bucket}?marker=a&prefix=c", "ListBucketResult");
    }

    [Fact]
    public async Task Version_listings_have_S3s_shapes()
    {
        var bucket = await NewBucketAsync();
        var empty = await XmlAsync($"/{bucket}?versions", "ListVersionsResult");
        Assert.Equal(["Name", "Prefix", "KeyMarker", "VersionIdMarker", "MaxKeys", "IsTruncated"], S3Schema.ChildNames(empty));
        await SendAsync(HttpMethod.Put, $"/{bucket}?versioning", Body("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"));
        await PutAsync(bucket, "d/k", "one");
        await PutAsync(bucket, "d/k", "two");
        await PutAsync(bucket, "k", "x", request => request.Headers.Add("x-amz-checksum-crc32", RawS3.Crc32("x")));
        await SendAsync(HttpMethod.Delete, $"/{bucket}/k");

        var page = await XmlAsync($"/{bucket}?versions&max-keys=2", "ListVersionsResult");
        Assert.Equal(["Name", "Prefix", "KeyMarker", "VersionIdMarker", "NextKeyMarker", "NextVersionIdMarker", "MaxKeys", "IsTruncated", "Version", "Version"],
            S3Schema.ChildNames(page));
        var all = await XmlAsync($"/{bucket}?versions&delimiter=/&encoding-type=url", "ListVersionsResult");
        Assert.Equal(["Name", "Prefix", "KeyMarker", "VersionIdMarker", "MaxKeys", "Delimiter", "EncodingType", "IsTruncated", "DeleteMarker", "Version", "CommonPrefixes"],
            S3Schema.ChildNames(all));
        Assert.Equal(["Key", "VersionId", "IsLatest", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size", "StorageClass", "Owner"],
            S3Schema.ChildNames(all.Element(S3Schema.Name("Version"))!));
    }

    [Fact]
    public async Task Multipart_responses_have_S3s_shapes_and_a_composite_checksum_says_so()
    {
        var bucket = await NewBucketAsync();
        var none = await XmlAsync($"/{bucket}?uploads", "ListMultipartUploadsResult");
        Assert.Equal(["Bucket", "KeyMarker", "UploadIdMarker", "Prefix", "MaxUploads", "IsTruncated"], S3Schema.ChildNames(none));

        var initiated = await XmlAsync($"/{bucket}/dir/mp?uploads", "InitiateMultipartUploadResult", HttpMethod.Post,
            configure: request => request.Headers.Add("x-amz-checksum-algorithm", "CRC32"));
        var uploadId = initiated.Element(S3Schema.Name("UploadId"))!.Value;
        await XmlAsync($"/{bucket}/other?uploads", "InitiateMultipartUploadResult", HttpMethod.Post);
        var uploads = await XmlAsync($"/{bucket}?uploads&max-uploads=1&delimiter=/&encoding-type=url", "ListMultipartUploadsResult");
        Assert.Equal(["Bucket", "KeyMarker", "UploadIdMarker", "NextKeyMarker", "NextUploadIdMarker", "Delimiter", "Prefix", "MaxUploads", "EncodingType", "IsTruncated", "CommonPrefixes"],
            S3Schema.ChildNames(uploads));
        await XmlAsync($"/{bucket}?uploads", "ListMultipartUploadsResult");

        var first = RandomNumberGenerator.GetBytes(5 * MiB);
        using var part1 = await SendAsync(HttpMethod.Put, $"/{bucket}/dir/mp?partNumber=1&uploadId={uploadId}", SignedHttp.Bytes(first));
        await PutAsync(bucket, "source", "the last part");
        var copied = await XmlAsync($"/{bucket}/dir/mp?partNumber=2&uploadId={uploadId}", "CopyPartResult", HttpMethod.Put,
            configure: request => request.Headers.Add("x-amz-copy-source", $"/{bucket}/source"));
        Assert.Equal(["LastModified", "ETag", "ChecksumCRC32"], S3Schema.ChildNames(copied));
        var parts = await XmlAsync($"/{bucket}/dir/mp?uploadId={uploadId}", "ListPartsResult");
        Assert.Equal(["PartNumber", "LastModified", "ETag", "Size", "ChecksumCRC32"], S3Schema.ChildNames(parts.Element(S3Schema.Name("Part"))!));

        var manifest = string.Concat(parts.Elements(S3Schema.Name("Part")).Select(p =>
            $"<Part><PartNumber>{p.Element(S3Schema.Name("PartNumber"))!.Value}</PartNumber><ETag>{p.Element(S3Schema.Name("ETag"))!.Value}</ETag></Part>"));
        var completed = await XmlAsync($"/{bucket}/dir/mp?uploadId={uploadId}", "CompleteMultipartUploadResult", HttpMethod.Post,
            Body($"<CompleteMultipartUpload>{manifest}</CompleteMultipartUpload>"));
        Assert.Equal("COMPOSITE", completed.Element(S3Schema.Name("ChecksumType"))!.Value);
        Assert.EndsWith("-2", completed.Element(S3Schema.Name("ChecksumCRC32"))!.Value);

        foreach (var method in new[] { HttpMethod.Head, HttpMethod.Get })
        {
            using var read = await SendAsync(method, $"/{bucket}/dir/mp", configure: request => request.Headers.Add("x-amz-checksum-mode", "ENABLED"));
            Assert.Equal("COMPOSITE", read.Headers.GetValues("x-amz-checksum-type").Single());
            Assert.Equal(completed.Element(S3Schema.Name("ChecksumCRC32"))!.Value, read.Headers.GetValues("x-amz-checksum-crc32").Single());
        }
        var listed = await XmlAsync($"/{bucket}?list-type=2&prefix=dir/", "ListBucketResult");
        Assert.Equal("COMPOSITE", listed.Descendants(S3Schema.Name("ChecksumType")).Single().Value);
    }

    [Fact]
    public async Task Copy_delete_tagging_and_lifecycle_responses_have_S3s_shapes()
    {
        var bucket = await NewBucketAsync();
        await PutAsync(bucket, "src", "copy me");
        var copy = await XmlAsync($"/{bucket}/dst", "CopyObjectResult", HttpMethod.Put, configure: request => request.Headers.Add("x-amz-copy-source", $"/{bucket}/src"));
        Assert.Equal(["LastModified", "ETag"], S3Schema.ChildNames(copy));
        var summed = await XmlAsync($"/{bucket}/dst2", "CopyObjectResult", HttpMethod.Put, configure: request =>
        {
            request.Headers.Add("x-amz-copy-source", $"/{bucket}/src");
            request.Headers.Add("x-amz-checksum-algorithm", "SHA256");
        });
        Assert.Equal(["LastModified", "ETag", "ChecksumType", "ChecksumSHA256"], S3Schema.ChildNames(summed));

        var deleted = await XmlAsync($"/{bucket}?delete", "DeleteResult", HttpMethod.Post, RawXml.Body(
            "<Delete><Object><Key>dst</Key></Object><Object><Key>src</Key><ETag>\"0123456789abcdef0123456789abcdef\"</ETag></Object></Delete>"));
        Assert.Equal(["Deleted", "Error"], S3Schema.ChildNames(deleted));
        Assert.Empty((await XmlAsync($"/{bucket}?delete", "DeleteResult", HttpMethod.Post, RawXml.Body("<Delete><Quiet>true</Quiet><Object><Key>dst2</Key></Object></Delete>"))).Elements());

        Assert.Empty((await XmlAsync($"/{bucket}/src?tagging", "Tagging")).Element(S3Schema.Name("TagSet"))!.Elements());
        await SendAsync(HttpMethod.Put, $"/{bucket}/src?tagging", RawXml.Body("<Tagging><TagSet><Tag><Key>a</Key><Value></Value></Tag></TagSet></Tagging>"));
        await XmlAsync($"/{bucket}/src?tagging", "Tagging");

        await SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", RawXml.Body(
            "<LifecycleConfiguration><Rule><Filter><And><Prefix>logs/</Prefix><Tag><Key>t</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status>"
            + "<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Expiration><Days>365</Days></Expiration>"
            + "</Rule><Rule><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
            + "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
            + "<Rule><ID>old</ID><Filter></Filter><Status>Disabled</Status><NoncurrentVersionExpiration><NoncurrentDays>10</NoncurrentDays></NoncurrentVersionExpiration></Rule>"
            + "</LifecycleConfiguration>"));
        await XmlAsync($"/{bucket}?lifecycle", "LifecycleConfiguration");
    }

    private async Task<XElement> XmlAsync(string pathAndQuery, string root, HttpMethod? method = null, HttpContent? content = null, int status = 200,
        Action<HttpRequestMessage>? configure = null)
    {
        using var response = await SendAsync(method ?? HttpMethod.Get, pathAndQuery, content, configure, status);
        return S3Schema.Validate(await response.Content.ReadAsStringAsync(), root);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null, int? status = null)
    {
        var response = await raw.SendAsync(method, pathAndQuery, content, configure);
        var expected = status ?? (method == HttpMethod.Delete ? 204 : 200);
        if ((int)response.StatusCode != expected)
            Assert.Fail($"{method} {pathAndQuery}: {(int)response.StatusCode}, {expected} expected\n{await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private async Task PutAsync(string bucket, string key, string body, Action<HttpRequestMessage>? configure = null)
    {
        using var _ = await SendAsync(HttpMethod.Put, $"/{bucket}/{RawXml.Path(key)}", RawS3.Bytes(body), configure);
    }

    private Task<string> NewBucketAsync() => raw.NewBucketAsync("shape");

    private static ByteArrayContent Body(string xml) => SignedHttp.Bytes(Encoding.UTF8.GetBytes(xml), "application/xml");
}
