using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>The S3 versioning state machine, each branch through AWSSDK.S3.</summary>
public sealed class VersioningTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_new_bucket_is_unversioned_and_writes_null_versions()
    {
        var bucket = await NewBucketAsync(null);
        var status = await S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Off, status.VersioningConfig.Status);
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "v1" });
        Assert.Null(put.VersionId);
        var versions = await S3.ListVersionsAsync(bucket);
        Assert.Equal("null", Assert.Single(versions.Versions).VersionId);
    }

    [Fact]
    public async Task Every_put_on_an_enabled_bucket_is_a_new_readable_version()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        var v2 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
        Assert.NotNull(v1.VersionId);
        Assert.NotEqual(v1.VersionId, v2.VersionId);
        Assert.True(string.CompareOrdinal(v1.VersionId, v2.VersionId) < 0, "version ids are time-ordered");
        Assert.Equal("two", await ReadAsync(bucket, "k"));
        Assert.Equal("one", await ReadAsync(bucket, "k", v1.VersionId));
        Assert.Equal("two", await ReadAsync(bucket, "k", v2.VersionId));
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(v2.VersionId, head.VersionId);
    }

    [Fact]
    public async Task Delete_on_versioned_bucket_inserts_a_marker_the_old_bytes_hide_behind()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "kept" });
        var delete = await S3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", delete.DeleteMarker);
        Assert.NotNull(delete.VersionId);

        using var http = new SignedHttp(fixture.Server);
        using (var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k"))
        {
            Assert.Equal((404, "NoSuchKey"), await SignedHttp.ErrorOf(get));
            Assert.Equal("true", get.Headers.GetValues("x-amz-delete-marker").Single());
        }
        using (var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k"))
            Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal("kept", await ReadAsync(bucket, "k", v1.VersionId));
        using (var marker = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?versionId={delete.VersionId}"))
        {
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(marker));
            Assert.Equal("true", marker.Headers.GetValues("x-amz-delete-marker").Single());
        }
        using (var headMarker = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k?versionId={delete.VersionId}"))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, headMarker.StatusCode);

        var listed = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task Deleting_the_top_marker_by_version_id_undeletes_the_object()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "back" });
        var marker = await S3.DeleteObjectAsync(bucket, "k");
        var reap = await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = marker.VersionId });
        Assert.Equal("true", reap.DeleteMarker);
        Assert.Equal(marker.VersionId, reap.VersionId);
        Assert.Equal("back", await ReadAsync(bucket, "k"));
    }

    [Fact]
    public async Task Reaping_the_current_version_falls_back_to_the_next_newest()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });
        var v2 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second" });
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v2.VersionId });
        Assert.Equal("first", await ReadAsync(bucket, "k"));
        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => ReadAsync(bucket, "k", v2.VersionId));
        Assert.Equal("NoSuchVersion", e.ErrorCode);
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId });
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => ReadAsync(bucket, "k"));
        Assert.Equal("NoSuchKey", gone.ErrorCode);
        Assert.Empty((await S3.ListVersionsAsync(bucket)).Versions ?? []);
    }

    [Fact]
    public async Task Suspended_bucket_writes_null_versions_that_replace_each_other_and_keeps_older_versions()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var kept = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "versioned" });
        await SetVersioningAsync(bucket, VersionStatus.Suspended);
        Assert.Equal(VersionStatus.Suspended, (await S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "null-1" });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "null-2" });
        var versions = (await S3.ListVersionsAsync(bucket)).Versions;
        Assert.Equal(["null", kept.VersionId], versions.Select(v => v.VersionId));
        Assert.Equal("null-2", await ReadAsync(bucket, "k", "null"));
        Assert.Equal("versioned", await ReadAsync(bucket, "k", kept.VersionId));

        var marker = await S3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", marker.DeleteMarker);
        Assert.Equal("null", marker.VersionId);
        var after = (await S3.ListVersionsAsync(bucket)).Versions;
        Assert.True(after[0].IsDeleteMarker);
        Assert.Equal("null", after[0].VersionId);
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public async Task A_versioned_bucket_never_returns_to_unversioned()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        await SetVersioningAsync(bucket, VersionStatus.Suspended);
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?versioning",
            SignedHttp.Bytes("<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>"u8.ToArray()));
        Assert.Equal((400, "MalformedXML"), await SignedHttp.ErrorOf(response));
        Assert.Equal(VersionStatus.Suspended, (await S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task List_object_versions_orders_keys_ascending_and_versions_newest_first_with_markers()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var a1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "1" });
        var b1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "1" });
        var a2 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "22" });
        var bm = await S3.DeleteObjectAsync(bucket, "b");
        var d1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dir/x", ContentBody = "x" });

        var all = await S3.ListVersionsAsync(bucket);
        Assert.Equal([("a", a2.VersionId, true, false), ("a", a1.VersionId, false, false), ("b", bm.VersionId, true, true), ("b", b1.VersionId, false, false), ("dir/x", d1.VersionId, true, false)],
            all.Versions.Select(v => (v.Key, v.VersionId, v.IsLatest == true, v.IsDeleteMarker == true)));

        // Page through one entry at a time with key-marker / version-id-marker.
        var seen = new List<string>();
        var request = new ListVersionsRequest { BucketName = bucket, MaxKeys = 1 };
        while (true)
        {
            var page = await S3.ListVersionsAsync(request);
            seen.AddRange(page.Versions.Select(v => v.VersionId));
            if (page.IsTruncated != true) break;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
        Assert.Equal(all.Versions.Select(v => v.VersionId), seen);

        var rolled = await S3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["dir/"], rolled.CommonPrefixes);
        Assert.Equal(4, rolled.Versions.Count);
        var prefixed = await S3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "a" });
        Assert.Equal(2, prefixed.Versions.Count);
    }

    [Fact]
    public async Task Delete_objects_reports_markers_and_reaps_in_verbose_and_quiet_mode()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var x1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = "x" });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "y", ContentBody = "y" });

        var verbose = await S3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "y" }, new KeyVersion { Key = "x", VersionId = x1.VersionId }],
        });
        var y = verbose.DeletedObjects.Single(d => d.Key == "y");
        Assert.True(y.DeleteMarker);
        Assert.NotNull(y.DeleteMarkerVersionId);
        var x = verbose.DeletedObjects.Single(d => d.Key == "x");
        Assert.Equal(x1.VersionId, x.VersionId);
        Assert.Null(await TryReadAsync(bucket, "x", x1.VersionId));

        var quiet = await S3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Quiet = true, Objects = [new KeyVersion { Key = "y", VersionId = y.DeleteMarkerVersionId }] });
        Assert.Empty(quiet.DeletedObjects ?? []);
        Assert.Equal("y", await ReadAsync(bucket, "y"));
    }

    [Fact]
    public async Task Delete_objects_on_an_unversioned_bucket_removes_the_keys()
    {
        var bucket = await NewBucketAsync(null);
        foreach (var k in new[] { "1", "2", "3" }) await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k });
        var result = await S3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "1" }, new KeyVersion { Key = "2" }, new KeyVersion { Key = "missing" }] });
        Assert.Equal(3, result.DeletedObjects.Count);
        Assert.Equal(["3"], (await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Copy_with_a_source_version_id_copies_that_version()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        var v1 = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = new string('1', 30_000) });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "2" });
        var copy = await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", SourceVersionId = v1.VersionId, DestinationBucket = bucket, DestinationKey = "dst" });
        Assert.NotNull(copy.VersionId);
        Assert.Equal(new string('1', 30_000), await ReadAsync(bucket, "dst"));
    }

    [Fact]
    public async Task Malformed_version_id_is_InvalidArgument_and_unknown_is_NoSuchVersion()
    {
        var bucket = await NewBucketAsync(VersionStatus.Enabled);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var malformed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => ReadAsync(bucket, "k", "not-a-version"));
        Assert.Equal("InvalidArgument", malformed.ErrorCode);
        var unknown = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => ReadAsync(bucket, "k", "0000000000000001" + "0123456789abcdef"));
        Assert.Equal("NoSuchVersion", unknown.ErrorCode);
    }

    private async Task<string> NewBucketAsync(VersionStatus? status)
    {
        var name = ServerFixture.NewBucketName("ver");
        await S3.PutBucketAsync(name);
        if (status is not null) await SetVersioningAsync(name, status);
        return name;
    }

    private Task SetVersioningAsync(string bucket, VersionStatus status) =>
        S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = status } });

    private async Task<string> ReadAsync(string bucket, string key, string? versionId = null)
    {
        using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        return await new StreamReader(get.ResponseStream).ReadToEndAsync();
    }

    private async Task<string?> TryReadAsync(string bucket, string key, string versionId)
    {
        try
        {
            return await ReadAsync(bucket, key, versionId);
        }
        catch (AmazonS3Exception)
        {
            return null;
        }
    }
}
