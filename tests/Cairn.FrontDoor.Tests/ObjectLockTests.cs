using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// S3 Object Lock: buckets created with it or given it, default retention, per-version retention and legal hold, and
/// their enforcement on every path that removes a version. Operations through AWSSDK.S3; error cases as raw requests.
/// </summary>
public sealed class ObjectLockTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly XNamespace S3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_bucket_created_with_object_lock_is_versioned_and_its_configuration_takes_a_default_retention()
    {
        var bucket = await NewLockedBucketAsync();
        Assert.Equal(VersionStatus.Enabled, (await S3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status);
        var bare = (await S3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration;
        Assert.Equal(ObjectLockEnabled.Enabled, bare.ObjectLockEnabled);
        Assert.Null(bare.Rule);

        await PutDefaultRetentionAsync(bucket, ObjectLockRetentionMode.Compliance, days: null, years: 2);
        var rule = (await S3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule;
        Assert.Equal((ObjectLockRetentionMode.Compliance, (int?)null, (int?)2), (rule.DefaultRetention.Mode, rule.DefaultRetention.Days, rule.DefaultRetention.Years));

        using var http = new SignedHttp(fixture.Server);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?object-lock");
        var root = XElement.Parse(await get.Content.ReadAsStringAsync());
        AssertElements(root, "ObjectLockConfiguration", "ObjectLockEnabled", "Rule");
        Assert.Equal("Enabled", root.Element(S3Ns + "ObjectLockEnabled")!.Value);
        var retention = root.Element(S3Ns + "Rule")!.Element(S3Ns + "DefaultRetention")!;
        AssertElements(retention, "DefaultRetention", "Mode", "Years");
        Assert.Equal(("COMPLIANCE", "2"), (retention.Element(S3Ns + "Mode")!.Value, retention.Element(S3Ns + "Years")!.Value));
    }

    [Fact]
    public async Task Versioning_of_a_bucket_with_object_lock_cannot_be_suspended()
    {
        var bucket = await NewLockedBucketAsync();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        }));
        Assert.Equal(("InvalidBucketState", HttpStatusCode.Conflict), (e.ErrorCode, e.StatusCode));
        Assert.Equal(VersionStatus.Enabled, (await S3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status);
    }

    [Fact]
    public async Task Object_lock_is_enabled_on_an_existing_bucket_only_once_versioning_is_enabled()
    {
        var bucket = await NewPlainBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using (var missing = await http.SendAsync(HttpMethod.Get, $"/{bucket}?object-lock"))
            Assert.Equal((404, "ObjectLockConfigurationNotFoundError"), await SignedHttp.ErrorOf(missing));
        using (var refused = await http.SendAsync(HttpMethod.Put, $"/{bucket}?object-lock", RawXml.Body(Configuration("GOVERNANCE", "<Days>1</Days>"))))
            Assert.Equal((409, "InvalidBucketState"), await SignedHttp.ErrorOf(refused));

        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await PutDefaultRetentionAsync(bucket, ObjectLockRetentionMode.Governance, days: 1, years: null);
        var rule = (await S3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule;
        Assert.Equal((ObjectLockRetentionMode.Governance, (int?)1), (rule.DefaultRetention.Mode, rule.DefaultRetention.Days));
    }

    [Fact]
    public async Task Put_object_with_a_retention_and_a_legal_hold_returns_them_on_head_and_get_and_through_the_subresources()
    {
        var bucket = await NewLockedBucketAsync();
        var until = DateTime.UtcNow.AddDays(3);
        var put = await PutLockedAsync(bucket, "k", ObjectLockMode.Governance, until, ObjectLockLegalHoldStatus.On);
        var head = await S3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal((ObjectLockMode.Governance, ObjectLockLegalHoldStatus.On), (head.ObjectLockMode, head.ObjectLockLegalHoldStatus));
        Assert.Equal(Milliseconds(until), Milliseconds(head.ObjectLockRetainUntilDate!.Value.ToUniversalTime()));
        using (var get = await S3.GetObjectAsync(bucket, "k"))
            Assert.Equal(ObjectLockMode.Governance, get.ObjectLockMode);

        var retention = await S3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId });
        Assert.Equal(ObjectLockRetentionMode.Governance, retention.Retention.Mode);
        Assert.Equal(Milliseconds(until), Milliseconds(retention.Retention.RetainUntilDate!.Value.ToUniversalTime()));
        var hold = await S3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(ObjectLockLegalHoldStatus.On, hold.LegalHold.Status);

        using var http = new SignedHttp(fixture.Server);
        using var raw = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?retention");
        var root = XElement.Parse(await raw.Content.ReadAsStringAsync());
        AssertElements(root, "Retention", "Mode", "RetainUntilDate");
        Assert.Equal(Milliseconds(until).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), root.Element(S3Ns + "RetainUntilDate")!.Value);
        using var rawHold = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?legal-hold");
        AssertElements(XElement.Parse(await rawHold.Content.ReadAsStringAsync()), "LegalHold", "Status");
    }

    [Fact]
    public async Task A_locked_version_cannot_be_deleted_but_a_delete_without_version_id_adds_a_marker()
    {
        var bucket = await NewLockedBucketAsync();
        var put = await PutLockedAsync(bucket, "k", ObjectLockMode.Compliance, DateTime.UtcNow.AddDays(1));
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId, BypassGovernanceRetention = true,
        }));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (e.ErrorCode, e.StatusCode));

        var marker = await S3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", marker.DeleteMarker);
        using var kept = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId });
        Assert.Equal("kept", await new StreamReader(kept.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Governance_retention_is_extended_freely_and_shortened_removed_or_bypassed_only_with_the_bypass_header()
    {
        var bucket = await NewLockedBucketAsync();
        var until = DateTime.UtcNow.AddDays(2);
        var put = await PutLockedAsync(bucket, "k", ObjectLockMode.Governance, until);
        await PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Governance, until.AddDays(1), bypass: false);

        var shorter = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Governance, until, bypass: false));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (shorter.ErrorCode, shorter.StatusCode));
        var delete = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId }));
        Assert.Equal("AccessDenied", delete.ErrorCode);

        await PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Governance, until, bypass: true);
        Assert.Equal(Milliseconds(until), Milliseconds((await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId,
        })).ObjectLockRetainUntilDate!.Value.ToUniversalTime()));

        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId, BypassGovernanceRetention = true });
        Assert.Empty((await S3.ListVersionsAsync(bucket)).Versions ?? []);
    }

    [Fact]
    public async Task An_empty_retention_with_the_bypass_removes_a_governance_retention()
    {
        var bucket = await NewLockedBucketAsync();
        var put = await PutLockedAsync(bucket, "k", ObjectLockMode.Governance, DateTime.UtcNow.AddDays(2));
        using var http = new SignedHttp(fixture.Server);
        var empty = $"<Retention xmlns=\"{S3Ns}\"/>";
        using (var refused = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?retention", RawXml.Body(empty)))
            Assert.Equal((403, "AccessDenied"), await SignedHttp.ErrorOf(refused));
        using (var removed = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?retention", RawXml.Body(empty),
                   r => r.Headers.TryAddWithoutValidation("x-amz-bypass-governance-retention", "true")))
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        using (var none = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?retention"))
            Assert.Equal((404, "NoSuchObjectLockConfiguration"), await SignedHttp.ErrorOf(none));
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId });
    }

    [Fact]
    public async Task Compliance_retention_is_only_ever_extended_even_with_the_bypass_header()
    {
        var bucket = await NewLockedBucketAsync();
        var until = DateTime.UtcNow.AddDays(2);
        var put = await PutLockedAsync(bucket, "k", ObjectLockMode.Compliance, until);
        var shorter = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Compliance, until.AddHours(-1), bypass: true));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (shorter.ErrorCode, shorter.StatusCode));
        var weaker = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Governance, until.AddDays(5), bypass: true));
        Assert.Equal("AccessDenied", weaker.ErrorCode);

        await PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Compliance, until.AddDays(1), bypass: false);
        var retention = await S3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" });
        Assert.Equal((ObjectLockRetentionMode.Compliance, Milliseconds(until.AddDays(1))),
            (retention.Retention.Mode, Milliseconds(retention.Retention.RetainUntilDate!.Value.ToUniversalTime())));
    }

    [Fact]
    public async Task A_legal_hold_blocks_deletion_until_it_is_turned_off()
    {
        var bucket = await NewLockedBucketAsync();
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await S3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
        });
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId, BypassGovernanceRetention = true,
        }));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (e.ErrorCode, e.StatusCode));

        await S3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off },
        });
        Assert.Equal(ObjectLockLegalHoldStatus.Off, (await S3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "k" })).LegalHold.Status);
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = put.VersionId });
        Assert.Empty((await S3.ListVersionsAsync(bucket)).Versions ?? []);
    }

    [Fact]
    public async Task The_default_retention_locks_puts_copies_and_completed_uploads_but_a_copy_never_takes_its_sources_lock()
    {
        var bucket = await NewLockedBucketAsync();
        var plain = await PutLockedAsync(bucket, "held", hold: ObjectLockLegalHoldStatus.On);
        await S3.CopyObjectAsync(bucket, "held", bucket, "copy-before-default");
        var noLock = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "copy-before-default" }));
        Assert.Equal(("NoSuchObjectLockConfiguration", HttpStatusCode.NotFound), (noLock.ErrorCode, noLock.StatusCode));

        await PutDefaultRetentionAsync(bucket, ObjectLockRetentionMode.Governance, days: 1, years: null);
        var before = DateTime.UtcNow;
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "put", ContentBody = "x" });
        await S3.CopyObjectAsync(bucket, "held", bucket, "copy");
        var upload = await S3.InitiateMultipartUploadAsync(bucket, "mpu");
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        var after = DateTime.UtcNow;
        foreach (var key in new[] { "put", "copy", "mpu" })
        {
            var head = await S3.GetObjectMetadataAsync(bucket, key);
            Assert.Equal(ObjectLockMode.Governance, head.ObjectLockMode);
            var until = head.ObjectLockRetainUntilDate!.Value.ToUniversalTime();
            Assert.InRange(until, before.AddDays(1).AddSeconds(-1), after.AddDays(1).AddSeconds(1));
            Assert.Null(head.ObjectLockLegalHoldStatus);
        }
        Assert.NotNull(plain.VersionId);
    }

    [Fact]
    public async Task A_default_compliance_retention_read_back_and_put_again_unchanged_is_accepted()
    {
        var bucket = await NewLockedBucketAsync();
        await PutDefaultRetentionAsync(bucket, ObjectLockRetentionMode.Compliance, days: 1, years: null);
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var read = (await S3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" })).Retention;
        await PutRetentionAsync(bucket, put.VersionId, ObjectLockRetentionMode.Compliance, read.RetainUntilDate!.Value.ToUniversalTime(), bypass: false);
        var again = (await S3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" })).Retention;
        Assert.Equal(read.RetainUntilDate, again.RetainUntilDate);
    }

    [Fact]
    public async Task A_multipart_upload_created_with_a_lock_completes_into_a_locked_object()
    {
        var bucket = await NewLockedBucketAsync();
        var until = DateTime.UtcNow.AddDays(1);
        var upload = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ObjectLockMode = ObjectLockMode.Compliance, ObjectLockRetainUntilDate = until,
            ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        });
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[10]) });
        var done = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        var head = await S3.GetObjectMetadataAsync(bucket, "mpu");
        Assert.Equal((ObjectLockMode.Compliance, ObjectLockLegalHoldStatus.On), (head.ObjectLockMode, head.ObjectLockLegalHoldStatus));
        Assert.Equal(Milliseconds(until), Milliseconds(head.ObjectLockRetainUntilDate!.Value.ToUniversalTime()));
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "mpu", VersionId = done.VersionId }));
        Assert.Equal("AccessDenied", e.ErrorCode);
    }

    [Fact]
    public async Task DeleteObjects_reports_AccessDenied_for_each_locked_version_and_deletes_the_rest()
    {
        var bucket = await NewLockedBucketAsync();
        var governed = await PutLockedAsync(bucket, "governed", ObjectLockMode.Governance, DateTime.UtcNow.AddDays(1));
        var held = await PutLockedAsync(bucket, "held", hold: ObjectLockLegalHoldStatus.On);
        var free = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "free", ContentBody = "x" });
        var body = $"""
            <Delete xmlns="{S3Ns}">
              <Object><Key>governed</Key><VersionId>{governed.VersionId}</VersionId></Object>
              <Object><Key>held</Key><VersionId>{held.VersionId}</VersionId></Object>
              <Object><Key>free</Key><VersionId>{free.VersionId}</VersionId></Object>
            </Delete>
            """;
        using var http = new SignedHttp(fixture.Server);
        using (var first = await http.SendAsync(HttpMethod.Post, $"/{bucket}?delete", RawXml.Body(body)))
        {
            var root = XElement.Parse(await first.Content.ReadAsStringAsync());
            Assert.Equal(S3Ns + "DeleteResult", root.Name);
            Assert.Equal(["free"], root.Elements(S3Ns + "Deleted").Select(d => d.Element(S3Ns + "Key")!.Value));
            var errors = root.Elements(S3Ns + "Error").ToList();
            Assert.Equal(["governed", "held"], errors.Select(x => x.Element(S3Ns + "Key")!.Value));
            Assert.All(errors, x => AssertElements(x, "Error", "Key", "VersionId", "Code", "Message"));
            Assert.All(errors, x => Assert.Equal("AccessDenied", x.Element(S3Ns + "Code")!.Value));
        }
        using (var bypassed = await http.SendAsync(HttpMethod.Post, $"/{bucket}?delete", RawXml.Body(body),
                   r => r.Headers.TryAddWithoutValidation("x-amz-bypass-governance-retention", "true")))
        {
            var root = XElement.Parse(await bypassed.Content.ReadAsStringAsync());
            Assert.Equal(["governed", "free"], root.Elements(S3Ns + "Deleted").Select(d => d.Element(S3Ns + "Key")!.Value));
            Assert.Equal(["held"], root.Elements(S3Ns + "Error").Select(x => x.Element(S3Ns + "Key")!.Value));
        }
        Assert.Equal(["held"], ((await S3.ListVersionsAsync(bucket)).Versions ?? []).Select(v => v.Key));
    }

    // ---- error cases, as raw requests ----

    [Fact]
    public async Task Lock_puts_without_Content_MD5_or_a_checksum_are_InvalidRequest()
    {
        var bucket = await NewLockedBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        foreach (var (query, xml) in new[]
                 {
                     ("?object-lock", Configuration("GOVERNANCE", "<Days>1</Days>")),
                     ("k?retention", Retention("GOVERNANCE", DateTime.UtcNow.AddDays(1))),
                     ("k?legal-hold", $"<LegalHold xmlns=\"{S3Ns}\"><Status>ON</Status></LegalHold>"),
                 })
        {
            using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/{query}", SignedHttp.Bytes(Encoding.UTF8.GetBytes(xml)));
            Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(response));
        }
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/locked", SignedHttp.Bytes("x"u8.ToArray()), LockHeaders("GOVERNANCE", DateTime.UtcNow.AddDays(1)));
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(put));
        Assert.Contains("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters", await MessageOf(put));
        Assert.Single((await S3.ListVersionsAsync(bucket)).Versions);
    }

    [Fact]
    public async Task Parts_of_an_upload_that_will_be_locked_need_Content_MD5_or_a_checksum()
    {
        var bucket = await NewLockedBucketAsync();
        var upload = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = DateTime.UtcNow.AddDays(1),
        });
        using var http = new SignedHttp(fixture.Server);
        var part = $"/{bucket}/mpu?partNumber=1&uploadId={Uri.EscapeDataString(upload.UploadId)}";
        using (var bare = await http.SendAsync(HttpMethod.Put, part, SignedHttp.Bytes(new byte[10])))
        {
            Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(bare));
            Assert.Contains("Put Part requests with Object Lock parameters", await MessageOf(bare));
        }
        using var checkedPart = await http.SendAsync(HttpMethod.Put, part, Md5Body(new byte[10]));
        Assert.Equal(HttpStatusCode.OK, checkedPart.StatusCode);
    }

    [Fact]
    public async Task Lock_requests_on_a_bucket_without_object_lock_are_InvalidRequest()
    {
        var bucket = await NewPlainBucketAsync();
        Assert.Equal([(400, "InvalidRequest", "Bucket is missing Object Lock Configuration")], await LockReadErrorsAsync(bucket));
        using var http = new SignedHttp(fixture.Server);
        using (var retention = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?retention", RawXml.Body(Retention("GOVERNANCE", DateTime.UtcNow.AddDays(1)))))
            Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(retention));
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/locked", Md5Body("x"u8.ToArray()), LockHeaders("COMPLIANCE", DateTime.UtcNow.AddDays(1)));
        Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(put));
        Assert.Contains("Bucket is missing ObjectLockConfiguration", await MessageOf(put));
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/locked");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    [Fact]
    public async Task A_version_without_retention_or_hold_answers_NoSuchObjectLockConfiguration()
    {
        var bucket = await NewLockedBucketAsync();
        Assert.Equal([(404, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")], await LockReadErrorsAsync(bucket));
    }

    [Theory]
    [InlineData("x-amz-object-lock-mode", "GOVERNANCE", null, null)]
    [InlineData("x-amz-object-lock-retain-until-date", "2099-01-01T00:00:00Z", null, null)]
    [InlineData("x-amz-object-lock-mode", "governance", "x-amz-object-lock-retain-until-date", "2099-01-01T00:00:00Z")]
    [InlineData("x-amz-object-lock-mode", "GOVERNANCE", "x-amz-object-lock-retain-until-date", "next tuesday")]
    [InlineData("x-amz-object-lock-mode", "GOVERNANCE", "x-amz-object-lock-retain-until-date", "2001-01-01T00:00:00Z")]
    [InlineData("x-amz-object-lock-legal-hold", "on", null, null)]
    public async Task Malformed_or_past_lock_headers_on_put_object_are_InvalidArgument_and_store_nothing(string header, string value, string? other, string? otherValue)
    {
        var bucket = await NewLockedBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", Md5Body("x"u8.ToArray()), r =>
        {
            r.Headers.TryAddWithoutValidation(header, value);
            if (other is not null) r.Headers.TryAddWithoutValidation(other, otherValue);
        });
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(put));
        Assert.Empty((await S3.ListVersionsAsync(bucket)).Versions ?? []);
    }

    [Fact]
    public async Task A_retention_date_in_the_past_is_refused_by_put_object_retention()
    {
        var bucket = await NewLockedBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?retention", RawXml.Body(Retention("GOVERNANCE", DateTime.UtcNow.AddMinutes(-1))));
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
    }

    [Theory]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Disabled</ObjectLockEnabled></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>governance</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Weeks>1</Weeks></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"urn:elsewhere\"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>", 400, "MalformedXML")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "InvalidArgument")]
    [InlineData("<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Years>-1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", 400, "InvalidArgument")]
    public async Task Object_lock_configurations_outside_the_schema_or_its_rules_are_refused(string xml, int status, string code)
    {
        var bucket = await NewLockedBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?object-lock", RawXml.Body(xml));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
        Assert.Null((await S3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule);
    }

    [Theory]
    [InlineData("<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>GOVERNANCE</Mode></Retention>")]
    [InlineData("<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>SOMETIMES</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate></Retention>")]
    [InlineData("<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>GOVERNANCE</Mode><RetainUntilDate>soon</RetainUntilDate></Retention>")]
    [InlineData("<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>MAYBE</Status></LegalHold>")]
    [InlineData("<LegalHold xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LegalHold>")]
    [InlineData("<Retention xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Mode>GOVERNANCE</Mode><RetainUntilDate>2099-01-01T00:00:00Z</RetainUntilDate><Extra/></Retention>")]
    public async Task Retention_and_legal_hold_bodies_outside_the_schema_are_MalformedXML(string xml)
    {
        var bucket = await NewLockedBucketAsync();
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        var query = xml.StartsWith("<Retention", StringComparison.Ordinal) ? "retention" : "legal-hold";
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?{query}", RawXml.Body(xml));
        Assert.Equal((400, "MalformedXML"), await SignedHttp.ErrorOf(response));
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?{query}");
        Assert.Equal((404, "NoSuchObjectLockConfiguration"), await SignedHttp.ErrorOf(get));
    }

    [Fact]
    public async Task Create_bucket_with_an_unknown_object_lock_value_is_InvalidArgument_and_creates_nothing()
    {
        var bucket = ServerFixture.NewBucketName("lockx");
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, "/" + bucket, configure: r => r.Headers.TryAddWithoutValidation("x-amz-bucket-object-lock-enabled", "yes"));
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
        using var head = await http.SendAsync(HttpMethod.Head, "/" + bucket);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
    }

    // ---- helpers ----

    /// <summary>Puts an unlocked object k, then GETs its ?retention and ?legal-hold: the distinct (status, code, message) answered.</summary>
    private async Task<List<(int, string?, string)>> LockReadErrorsAsync(string bucket)
    {
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        var errors = new List<(int, string?, string)>();
        foreach (var query in new[] { "retention", "legal-hold" })
        {
            using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?{query}");
            var body = XElement.Parse(await response.Content.ReadAsStringAsync());
            errors.Add(((int)response.StatusCode, body.Element("Code")?.Value, body.Element("Message")?.Value ?? ""));
        }
        return errors.Distinct().ToList();
    }

    private async Task<string> NewLockedBucketAsync()
    {
        var name = ServerFixture.NewBucketName("lock");
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = name, ObjectLockEnabledForBucket = true });
        return name;
    }

    private async Task<string> NewPlainBucketAsync()
    {
        var name = ServerFixture.NewBucketName("nolock");
        await S3.PutBucketAsync(name);
        return name;
    }

    private Task<PutObjectResponse> PutLockedAsync(string bucket, string key, ObjectLockMode? mode = null, DateTime? until = null, ObjectLockLegalHoldStatus? hold = null) =>
        S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = key, ContentBody = "kept", ObjectLockMode = mode, ObjectLockRetainUntilDate = until, ObjectLockLegalHoldStatus = hold,
        });

    private Task PutDefaultRetentionAsync(string bucket, ObjectLockRetentionMode mode, int? days, int? years) =>
        S3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = mode, Days = days, Years = years } },
            },
        });

    private Task PutRetentionAsync(string bucket, string versionId, ObjectLockRetentionMode mode, DateTime until, bool bypass) =>
        S3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket, Key = "k", VersionId = versionId, BypassGovernanceRetention = bypass,
            Retention = new ObjectLockRetention { Mode = mode, RetainUntilDate = until },
        });

    private static string Configuration(string mode, string period) =>
        $"<ObjectLockConfiguration xmlns=\"{S3Ns}\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>{mode}</Mode>{period}</DefaultRetention></Rule></ObjectLockConfiguration>";

    private static string Retention(string mode, DateTime until) =>
        $"<Retention xmlns=\"{S3Ns}\"><Mode>{mode}</Mode><RetainUntilDate>{until:yyyy-MM-dd'T'HH:mm:ss'Z'}</RetainUntilDate></Retention>";

    private static Action<HttpRequestMessage> LockHeaders(string mode, DateTime until) => r =>
    {
        r.Headers.TryAddWithoutValidation("x-amz-object-lock-mode", mode);
        r.Headers.TryAddWithoutValidation("x-amz-object-lock-retain-until-date", until.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
    };

    private static ByteArrayContent Md5Body(byte[] data)
    {
        var content = SignedHttp.Bytes(data);
        content.Headers.Add("Content-MD5", Convert.ToBase64String(MD5.HashData(data)));
        return content;
    }

    private static async Task<string> MessageOf(HttpResponseMessage response) =>
        XElement.Parse(await response.Content.ReadAsStringAsync()).Element("Message")?.Value ?? "";

    /// <summary>The element is S3's <paramref name="name"/>, in S3's namespace, with exactly these children in this order.</summary>
    private static void AssertElements(XElement element, string name, params string[] children)
    {
        Assert.Equal(S3Ns + name, element.Name);
        Assert.Equal(children.Select(c => S3Ns + c), element.Elements().Select(e => e.Name));
    }

    private static DateTime Milliseconds(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
