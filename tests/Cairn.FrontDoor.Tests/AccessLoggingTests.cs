using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Server access logging against a real server delivering every two seconds: Get/PutBucketLogging and the refusals S3
/// answers, log objects in the target bucket under S3's key names whose every line is a record of S3's format describing
/// the requests made, no delivery to a target whose policy does not admit the logging service, none after disabling.
/// </summary>
public sealed class AccessLoggingTests(AccessLogServerFixture fixture) : IClassFixture<AccessLogServerFixture>
{
    private readonly AccessLogReader logs = new(fixture);

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task GetBucketLogging_answers_what_PutBucketLogging_stored_and_an_empty_status_disables()
    {
        var (source, target) = await BucketsAsync();
        using var http = new SignedHttp(fixture.Server);
        var disabled = await GetLoggingAsync(http, source);
        Assert.Empty(disabled.Elements());

        await S3.PutBucketLoggingAsync(new PutBucketLoggingRequest
        {
            BucketName = source,
            LoggingConfig = new S3BucketLoggingConfig
            {
                TargetBucketName = target, TargetPrefix = "logs/",
                TargetObjectKeyFormat = new TargetObjectKeyFormat { PartitionedPrefix = new PartitionedPrefix { PartitionDateSource = PartitionDateSource.DeliveryTime } },
            },
        });
        var enabled = S3Schema.Validate(await GetLoggingTextAsync(http, source), "BucketLoggingStatus");
        var logging = Assert.Single(enabled.Elements());
        Assert.Equal(["TargetBucket", "TargetPrefix", "TargetObjectKeyFormat"], S3Schema.ChildNames(logging));
        Assert.Equal((target, "logs/"), (RawXml.Child(logging, "TargetBucket"), RawXml.Child(logging, "TargetPrefix")));
        var format = Assert.Single(logging.Elements(S3Schema.Name("TargetObjectKeyFormat")));
        Assert.Equal("DeliveryTime", format.Element(S3Schema.Name("PartitionedPrefix"))!.Element(S3Schema.Name("PartitionDateSource"))!.Value);
        var got = await S3.GetBucketLoggingAsync(new GetBucketLoggingRequest { BucketName = source });
        Assert.Equal((target, "logs/"), (got.BucketLoggingConfig.TargetBucketName, got.BucketLoggingConfig.TargetPrefix));

        // Without TargetObjectKeyFormat the simple form applies and GET answers none.
        await PutLoggingAsync(http, source, $"<LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetPrefix>p/</TargetPrefix></LoggingEnabled>");
        Assert.Equal(["TargetBucket", "TargetPrefix"], S3Schema.ChildNames(Assert.Single((await GetLoggingAsync(http, source)).Elements())));

        await PutLoggingAsync(http, source, "");
        Assert.Empty((await GetLoggingAsync(http, source)).Elements());
        Assert.Null((await S3.GetBucketLoggingAsync(new GetBucketLoggingRequest { BucketName = source })).BucketLoggingConfig?.TargetBucketName);
    }

    [Fact]
    public async Task PutBucketLogging_refuses_what_S3_refuses_with_its_errors()
    {
        var (source, target) = await BucketsAsync();
        using var http = new SignedHttp(fixture.Server);
        var absent = ServerFixture.NewBucketName("absent");

        using (var missing = await SendLoggingAsync(http, source, $"<LoggingEnabled><TargetBucket>{absent}</TargetBucket><TargetPrefix>l/</TargetPrefix></LoggingEnabled>"))
        {
            var error = RawXml.Parse(await missing.Content.ReadAsStringAsync());
            Assert.Equal((HttpStatusCode.BadRequest, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist", absent),
                (missing.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message"), RawXml.Child(error, "TargetBucket")));
        }
        Assert.Equal((501, "NotImplemented"), await ErrorAsync(http, source,
            $"<LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetPrefix>l/</TargetPrefix><TargetGrants><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></TargetGrants></LoggingEnabled>"));
        Assert.Equal((400, "MalformedXML"), await ErrorAsync(http, source, "<LoggingEnabled><TargetPrefix>l/</TargetPrefix></LoggingEnabled>"));
        Assert.Equal((400, "MalformedXML"), await ErrorAsync(http, source,
            $"<LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetPrefix>l/</TargetPrefix><TargetObjectKeyFormat><SimplePrefix/><PartitionedPrefix/></TargetObjectKeyFormat></LoggingEnabled>"));
        Assert.Equal((400, "MalformedXML"), await ErrorAsync(http, source,
            $"<LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>Now</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled>"));
        using (var noDigest = await http.SendAsync(HttpMethod.Put, $"/{source}?logging",
            SignedHttp.Bytes(Encoding.UTF8.GetBytes($"<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetPrefix>l/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>"), "application/xml")))
            Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(noDigest));
        using (var noSource = await SendLoggingAsync(http, absent, $"<LoggingEnabled><TargetBucket>{target}</TargetBucket><TargetPrefix>l/</TargetPrefix></LoggingEnabled>"))
            Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(noSource));
        using (var noLogging = await http.SendAsync(HttpMethod.Get, $"/{absent}?logging"))
            Assert.Equal((404, "NoSuchBucket"), await SignedHttp.ErrorOf(noLogging));
        Assert.Empty((await GetLoggingAsync(http, source)).Elements());
    }

    [Fact]
    public async Task Requests_on_a_logged_bucket_arrive_in_the_target_as_records_of_S3s_format()
    {
        var (source, target) = await BucketsAsync(versioned: true);
        await logs.EnableAsync(source, target, "logs/", admitted: source);

        const string key = "dir/a b+c.txt";
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = key, ContentBody = "hello logs" });
        using var get = await S3.GetObjectAsync(source, key);
        await new StreamReader(get.ResponseStream).ReadToEndAsync();
        using var getVersion = await S3.GetObjectAsync(new GetObjectRequest { BucketName = source, Key = key, VersionId = put.VersionId });
        await new StreamReader(getVersion.ResponseStream).ReadToEndAsync();
        var head = await S3.GetObjectMetadataAsync(source, key);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(source, "absent"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var copy = await S3.CopyObjectAsync(source, key, source, "copy");
        var delete = await S3.DeleteObjectAsync(source, key);
        // The host id is the response's x-amz-id-2, which the SDK does not hand over: a raw request shows it.
        using var http = new SignedHttp(fixture.Server);
        using var versioning = await http.SendAsync(HttpMethod.Get, $"/{source}?versioning");
        Assert.Equal(HttpStatusCode.OK, versioning.StatusCode);
        var versioningId = versioning.Headers.GetValues("x-amz-request-id").Single();

        var records = await WaitForRecordsAsync(target, "logs/", put.ResponseMetadata.RequestId, get.ResponseMetadata.RequestId,
            getVersion.ResponseMetadata.RequestId, head.ResponseMetadata.RequestId, missing.RequestId, copy.ResponseMetadata.RequestId,
            delete.ResponseMetadata.RequestId, versioningId);
        foreach (var record in records.Values)
        {
            Assert.Equal(source, record.Groups["bucket"].Value);
            Assert.Equal("127.0.0.1", record.Groups["ip"].Value);
            // The root's requests: the requester is the account's canonical id, which owns the bucket.
            Assert.Equal(record.Groups["owner"].Value, record.Groups["requester"].Value);
            Assert.Equal(("SigV4", "AuthHeader", "-", "-"), (record.Groups["signature"].Value, record.Groups["auth"].Value, record.Groups["cipher"].Value, record.Groups["tls"].Value));
            // No ACL was needed (the root owns the bucket), no access point and no AWS Region sent them.
            Assert.Equal(("-", "-", "-"), (record.Groups["aclRequired"].Value, record.Groups["accessPoint"].Value, record.Groups["sourceRegion"].Value));
            Assert.Equal($"127.0.0.1:{fixture.Server.Port}", record.Groups["host"].Value);
            var time = DateTimeOffset.ParseExact(record.Groups["time"].Value, "dd/MMM/yyyy:HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(5));
            // Turn-around (last byte in to first byte out) lies within the total time (first byte in to last byte out).
            Assert.InRange(long.Parse(record.Groups["turnaround"].Value), 0, long.Parse(record.Groups["total"].Value));
        }
        foreach (var id in records.Keys.Where(id => id != versioningId))
            Assert.StartsWith("aws-sdk-dotnet", records[id].Groups["agent"].Value, StringComparison.Ordinal);
        Assert.Single(records.Values.Select(r => r.Groups["owner"].Value).Distinct());
        Assert.Equal(records.Count, records.Values.Select(r => r.Groups["hostId"].Value).Distinct().Count());
        Assert.Equal(versioning.Headers.GetValues("x-amz-id-2").Single(), records[versioningId].Groups["hostId"].Value);

        var encodedKey = "dir/a%20b%2Bc.txt";
        AssertRecord(records[put.ResponseMetadata.RequestId], "REST.PUT.OBJECT", encodedKey, "200", "-", sent: "-", size: "10");
        Assert.StartsWith($"PUT /{source}/dir/a%20b%2Bc.txt", records[put.ResponseMetadata.RequestId].Groups["uri"].Value, StringComparison.Ordinal);
        AssertRecord(records[get.ResponseMetadata.RequestId], "REST.GET.OBJECT", encodedKey, "200", "-", sent: "10", size: "10");
        AssertRecord(records[getVersion.ResponseMetadata.RequestId], "REST.GET.OBJECT", encodedKey, "200", "-", sent: "10", size: "10");
        AssertRecord(records[head.ResponseMetadata.RequestId], "REST.HEAD.OBJECT", encodedKey, "200", "-", sent: "-", size: "10");
        AssertRecord(records[missing.RequestId], "REST.GET.OBJECT", "absent", "404", "NoSuchKey", sent: null, size: "-");
        AssertRecord(records[copy.ResponseMetadata.RequestId], "REST.COPY.OBJECT", "copy", "200", "-", sent: null, size: "10");
        AssertRecord(records[delete.ResponseMetadata.RequestId], "REST.DELETE.OBJECT", encodedKey, "204", "-", sent: "-", size: "-");
        AssertRecord(records[versioningId], "REST.GET.VERSIONING", "-", "200", "-", sent: null, size: "-");
        Assert.Equal($"GET /{source}?versioning HTTP/1.1", records[versioningId].Groups["uri"].Value);
        // The version id is the one the request named: none for a plain GET, even of a versioned object, nor for the PUT that made it.
        Assert.Equal(put.VersionId, records[getVersion.ResponseMetadata.RequestId].Groups["version"].Value);
        Assert.Equal(("-", "-"), (records[get.ResponseMetadata.RequestId].Groups["version"].Value, records[put.ResponseMetadata.RequestId].Groups["version"].Value));
    }

    [Fact]
    public async Task A_copy_out_of_a_logged_bucket_is_logged_there_as_the_copys_read()
    {
        var (source, target) = await BucketsAsync(versioned: true);
        var destination = await fixture.NewBucketAsync("unlogged");
        await logs.EnableAsync(source, target, "logs/", admitted: source);
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "src/a b.txt", ContentBody = "copy me, please" });
        var copy = await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "src/a b.txt", SourceVersionId = put.VersionId, DestinationBucket = destination, DestinationKey = "copy",
        });
        var upload = await S3.InitiateMultipartUploadAsync(destination, "assembled");
        var part = await S3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = source, SourceKey = "src/a b.txt", DestinationBucket = destination, DestinationKey = "assembled", UploadId = upload.UploadId, PartNumber = 1,
        });
        // A copy whose source does not exist read nothing: no record in the source's log.
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.CopyObjectAsync(source, "absent", destination, "never"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);

        var records = await logs.WaitForAsync(target, "logs/", put.ResponseMetadata.RequestId, copy.ResponseMetadata.RequestId, part.ResponseMetadata.RequestId);
        // The copies' own records are in their destination's log (none here); the source's log holds their reads.
        Assert.Contains(put.ResponseMetadata.RequestId, records.ByRequest.Keys);
        Assert.DoesNotContain(copy.ResponseMetadata.RequestId, records.ByRequest.Keys);
        Assert.DoesNotContain(part.ResponseMetadata.RequestId, records.ByRequest.Keys);
        var objectRead = Assert.Single(records.CopyReads(copy.ResponseMetadata.RequestId));
        AssertRecord(objectRead, "REST.COPY.OBJECT_GET", "src/a%20b.txt", "200", "-", sent: "-", size: "15");
        Assert.Equal((source, put.VersionId), (objectRead.Groups["bucket"].Value, objectRead.Groups["version"].Value));
        Assert.StartsWith($"PUT /{destination}/copy", objectRead.Groups["uri"].Value, StringComparison.Ordinal);
        var partRead = Assert.Single(records.CopyReads(part.ResponseMetadata.RequestId));
        AssertRecord(partRead, "REST.COPY.PART_GET", "src/a%20b.txt", "200", "-", sent: "-", size: "15");
        Assert.Equal("-", partRead.Groups["version"].Value);
        Assert.Empty(records.CopyReads(missing.RequestId));
    }

    [Fact]
    public async Task DeleteObjects_is_one_MULTI_OBJECT_DELETE_record_and_one_BATCH_DELETE_OBJECT_record_per_object_deleted()
    {
        var (source, target) = await BucketsAsync(versioned: true);
        await logs.EnableAsync(source, target, "logs/", admitted: source);
        var first = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "a", ContentBody = "1" });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "b c", ContentBody = "2" });
        // A locked-down key refuses its delete: an error entry of the answer, not a deletion, so no record of its own.
        await BucketPolicies.PutAsync(fixture.Server, source, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{source}}/kept"}]}
            """);
        var deleted = (await Assert.ThrowsAsync<DeleteObjectsException>(() => S3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = source,
            Objects = [new KeyVersion { Key = "a", VersionId = first.VersionId }, new KeyVersion { Key = "b c" }, new KeyVersion { Key = "kept" }],
        }))).Response;
        Assert.Equal(2, deleted.DeletedObjects.Count);
        Assert.Equal(("kept", "AccessDenied"), (Assert.Single(deleted.DeleteErrors).Key, deleted.DeleteErrors[0].Code));

        var id = deleted.ResponseMetadata.RequestId;
        var records = await logs.WaitForAsync(target, "logs/", id);
        var request = records.ByRequest[id];
        AssertRecord(request, "REST.POST.MULTI_OBJECT_DELETE", "-", "200", "-", sent: null, size: "-");
        Assert.Equal($"POST /{source}/?delete HTTP/1.1", request.Groups["uri"].Value);
        var batch = records.BatchDeletes(id);
        Assert.Equal([("a", first.VersionId), ("b%20c", "-")], batch.Select(r => (r.Groups["key"].Value, r.Groups["version"].Value)));
        foreach (var record in batch)
        {
            // The request's own fields, with no bytes of its own; the status S3 gives a deleted object.
            Assert.Equal(("204", "-", "-", "-"), (record.Groups["status"].Value, record.Groups["error"].Value, record.Groups["sent"].Value, record.Groups["size"].Value));
            foreach (var field in new[] { "owner", "bucket", "time", "requester", "uri", "hostId", "agent", "signature", "auth", "host", "total", "turnaround" })
                Assert.Equal(request.Groups[field].Value, record.Groups[field].Value);
        }
        Assert.Equal(records.All.ToList().IndexOf(request) + 1, records.All.ToList().IndexOf(batch[0]));
    }

    [Fact]
    public async Task A_request_only_an_ACL_allowed_is_logged_as_ACL_required_and_an_anonymous_one_without_signature_or_requester()
    {
        var (source, target) = await BucketsAsync();
        await S3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = source, OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.ObjectWriter }] },
        });
        // New buckets block public ACLs: this one must take one.
        await S3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = source });
        await logs.EnableAsync(source, target, "logs/", admitted: source);
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "public", ContentBody = "public bytes", CannedACL = S3CannedACL.PublicRead });

        using var http = new SignedHttp(fixture.Server);
        using var anonymous = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Get, http.Url($"/{source}/public")) { Headers = { Referrer = new Uri("https://example.com/page") } });
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        var anonymousId = anonymous.Headers.GetValues("x-amz-request-id").Single();
        using var refused = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Get, http.Url($"/{source}/absent")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var refusedId = refused.Headers.GetValues("x-amz-request-id").Single();

        var records = (await logs.WaitForAsync(target, "logs/", put.ResponseMetadata.RequestId, anonymousId, refusedId)).ByRequest;
        var read = records[anonymousId];
        AssertRecord(read, "REST.GET.OBJECT", "public", "200", "-", sent: "12", size: "12");
        Assert.Equal(("-", "-", "-", "Yes"), (read.Groups["requester"].Value, read.Groups["signature"].Value, read.Groups["auth"].Value, read.Groups["aclRequired"].Value));
        Assert.Equal("https://example.com/page", read.Groups["referer"].Value);
        // The root's PUT needed no ACL; a request no grant allowed needed none either: it was refused.
        Assert.Equal("-", records[put.ResponseMetadata.RequestId].Groups["aclRequired"].Value);
        AssertRecord(records[refusedId], "REST.GET.OBJECT", "absent", "403", "AccessDenied", sent: null, size: "-");
        Assert.Equal("-", records[refusedId].Groups["aclRequired"].Value);
    }

    /// <summary>
    /// S3's turn-around time runs from the request's last byte to the response's first; the total time from its first byte to
    /// the response's last. A body that pauses in the middle is in the total, not in the turn-around.
    /// </summary>
    [Fact]
    public async Task Turn_around_time_starts_at_the_bodys_last_byte_and_total_time_at_the_requests_first()
    {
        var (source, target) = await BucketsAsync();
        await logs.EnableAsync(source, target, "logs/", admitted: source);
        var body = Encoding.UTF8.GetBytes(new string('x', 4096));
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{source}/slow", new PausingContent(body, Pause),
            payloadSha256: Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body)));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var id = put.Headers.GetValues("x-amz-request-id").Single();

        var record = (await logs.WaitForAsync(target, "logs/", id)).ByRequest[id];
        AssertRecord(record, "REST.PUT.OBJECT", "slow", "200", "-", sent: "-", size: "4096");
        Assert.InRange(long.Parse(record.Groups["total"].Value), (long)Pause.TotalMilliseconds, long.MaxValue);
        Assert.InRange(long.Parse(record.Groups["turnaround"].Value), 0, (long)Pause.TotalMilliseconds / 2);
    }

    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(2);

    /// <summary>A body of known length sent in two halves with a pause between them.</summary>
    private sealed class PausingContent(byte[] body, TimeSpan pause) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            await stream.FlushAsync();
            await Task.Delay(pause);
            await stream.WriteAsync(body.AsMemory(body.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    [Fact]
    public async Task Partitioned_log_keys_name_the_account_region_bucket_and_date()
    {
        var (source, target) = await BucketsAsync();
        await logs.EnableAsync(source, target, "part/", admitted: source, PartitionDateSource.EventTime);
        var before = DateTime.UtcNow;
        var list = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = source });

        await WaitForRecordsAsync(target, "part/", list.ResponseMetadata.RequestId);
        var keys = ((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = target })).S3Objects ?? []).Select(o => o.Key).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var match = Regex.Match(key, $@"^part/000000000000/us-east-1/{Regex.Escape(source)}/(\d{{4}})/(\d{{2}})/(\d{{2}})/(\d{{4}})-(\d{{2}})-(\d{{2}})-\d{{2}}-\d{{2}}-\d{{2}}-[0-9A-F]{{16}}$");
            Assert.True(match.Success, key);
            var day = new DateTime(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value), 0, 0, 0, DateTimeKind.Utc);
            Assert.InRange(day, before.Date.AddDays(-1), DateTime.UtcNow.Date);
        }
    }

    [Fact]
    public async Task A_target_whose_policy_does_not_admit_the_logging_service_gets_no_logs()
    {
        var (source, target) = await BucketsAsync();
        // A policy for another source bucket does not admit this one's logs (aws:SourceArn differs).
        await logs.EnableAsync(source, target, "logs/", admitted: ServerFixture.NewBucketName("other"));
        for (var i = 0; i < 3; i++) await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = $"k{i}", ContentBody = "x" });

        await Task.Delay(AccessLogServerFixture.Interval * 3);
        Assert.Empty((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = target })).S3Objects ?? []);
        Assert.Single(Regex.Matches(fixture.Server.Log, $"Access logs of bucket {Regex.Escape(source)} are not delivered"));
    }

    [Fact]
    public async Task Disabling_logging_stops_delivery()
    {
        var (source, target) = await BucketsAsync();
        await logs.EnableAsync(source, target, "logs/", admitted: source);
        var logged = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "before", ContentBody = "x" });
        await WaitForRecordsAsync(target, "logs/", logged.ResponseMetadata.RequestId);

        await S3.PutBucketLoggingAsync(new PutBucketLoggingRequest { BucketName = source, LoggingConfig = new S3BucketLoggingConfig() });
        var after = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "after", ContentBody = "x" });
        await Task.Delay(AccessLogServerFixture.Interval * 3);
        var records = await ReadRecordsAsync(target, "logs/");
        Assert.Contains(logged.ResponseMetadata.RequestId, records.Keys);
        Assert.DoesNotContain(after.ResponseMetadata.RequestId, records.Keys);
    }

    private static void AssertRecord(Match record, string operation, string key, string status, string error, string? sent, string size)
    {
        Assert.Equal((operation, key, status, error, size),
            (record.Groups["operation"].Value, record.Groups["key"].Value, record.Groups["status"].Value, record.Groups["error"].Value, record.Groups["size"].Value));
        if (sent is not null) Assert.Equal(sent, record.Groups["sent"].Value);
        else Assert.Matches("^[1-9][0-9]*$", record.Groups["sent"].Value);
    }

    private async Task<Dictionary<string, Match>> WaitForRecordsAsync(string target, string prefix, params string[] requestIds) =>
        (await logs.WaitForAsync(target, prefix, requestIds)).ByRequest;

    private async Task<Dictionary<string, Match>> ReadRecordsAsync(string target, string prefix) => (await logs.ReadAsync(target, prefix)).ByRequest;

    private async Task<(string Source, string Target)> BucketsAsync(bool versioned = false) =>
        (await fixture.NewBucketAsync("logged", versioned), await fixture.NewBucketAsync("logs"));

    private static async Task<string> GetLoggingTextAsync(SignedHttp http, string bucket)
    {
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}?logging");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<System.Xml.Linq.XElement> GetLoggingAsync(SignedHttp http, string bucket) =>
        S3Schema.Validate(await GetLoggingTextAsync(http, bucket), "BucketLoggingStatus");

    private static Task<HttpResponseMessage> SendLoggingAsync(SignedHttp http, string bucket, string inner) =>
        http.SendAsync(HttpMethod.Put, $"/{bucket}?logging", RawXml.Body($"<BucketLoggingStatus xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{inner}</BucketLoggingStatus>"));

    private static async Task PutLoggingAsync(SignedHttp http, string bucket, string inner)
    {
        using var response = await SendLoggingAsync(http, bucket, inner);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(int Status, string? Code)> ErrorAsync(SignedHttp http, string bucket, string inner)
    {
        using var response = await SendLoggingAsync(http, bucket, inner);
        return await SignedHttp.ErrorOf(response);
    }
}

/// <summary>Server access logging over HTTPS: every record names the TLS version and the cipher suite negotiated, as S3 spells them.</summary>
public sealed class TlsAccessLoggingTests(TlsAccessLogServerFixture fixture) : IClassFixture<TlsAccessLogServerFixture>
{
    [Fact]
    public async Task Records_name_the_TLS_version_and_the_cipher_suite_in_OpenSSL_words()
    {
        var logs = new AccessLogReader(fixture);
        var (source, target) = (await fixture.NewBucketAsync("logged"), await fixture.NewBucketAsync("logs"));
        await logs.EnableAsync(source, target, "logs/", admitted: source);
        var put = await fixture.S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "k", ContentBody = "over tls" });

        var record = (await logs.WaitForAsync(target, "logs/", put.ResponseMetadata.RequestId)).ByRequest[put.ResponseMetadata.RequestId];
        var (tls, cipher) = (record.Groups["tls"].Value, record.Groups["cipher"].Value);
        // TLS 1.3's suites have one name everywhere; TLS 1.2's are OpenSSL's (ECDHE-RSA-AES128-GCM-SHA256), not IANA's.
        if (tls == "TLSv1.3") Assert.Matches("^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$", cipher);
        else Assert.Equal(("TLSv1.2", true), (tls, Regex.IsMatch(cipher, "^ECDHE-RSA-[A-Z0-9-]+$")));
        Assert.Equal(("SigV4", "AuthHeader"), (record.Groups["signature"].Value, record.Groups["auth"].Value));
    }
}
