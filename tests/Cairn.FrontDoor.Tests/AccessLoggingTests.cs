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
    private static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(30);

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
        var (source, target) = await BucketsAsync();
        await EnableLoggingAsync(source, target, "logs/", admitted: source);

        const string key = "dir/a b+c.txt";
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = key, ContentBody = "hello logs" });
        using var get = await S3.GetObjectAsync(source, key);
        await new StreamReader(get.ResponseStream).ReadToEndAsync();
        var head = await S3.GetObjectMetadataAsync(source, key);
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(source, "absent"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var delete = await S3.DeleteObjectAsync(source, key);
        var versioning = await S3.GetBucketVersioningAsync(source);

        var records = await WaitForRecordsAsync(target, "logs/", put.ResponseMetadata.RequestId, get.ResponseMetadata.RequestId,
            head.ResponseMetadata.RequestId, missing.RequestId, delete.ResponseMetadata.RequestId, versioning.ResponseMetadata.RequestId);
        foreach (var record in records.Values)
        {
            Assert.Equal(source, record.Groups["bucket"].Value);
            Assert.Equal("127.0.0.1", record.Groups["ip"].Value);
            // The root's requests: the requester is the account's canonical id, which owns the bucket.
            Assert.Equal(record.Groups["owner"].Value, record.Groups["requester"].Value);
            Assert.Equal(("SigV4", "AuthHeader", "-", "-"), (record.Groups["signature"].Value, record.Groups["auth"].Value, record.Groups["cipher"].Value, record.Groups["tls"].Value));
            Assert.StartsWith("aws-sdk-dotnet", record.Groups["agent"].Value, StringComparison.Ordinal);
            Assert.Equal($"127.0.0.1:{fixture.Server.Port}", record.Groups["host"].Value);
            var time = DateTimeOffset.ParseExact(record.Groups["time"].Value, "dd/MMM/yyyy:HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(5));
        }
        Assert.Single(records.Values.Select(r => r.Groups["owner"].Value).Distinct());

        var encodedKey = "dir/a%20b%2Bc.txt";
        AssertRecord(records[put.ResponseMetadata.RequestId], "REST.PUT.OBJECT", encodedKey, "200", "-", sent: "-", size: "10");
        Assert.StartsWith($"PUT /{source}/dir/a%20b%2Bc.txt", records[put.ResponseMetadata.RequestId].Groups["uri"].Value, StringComparison.Ordinal);
        AssertRecord(records[get.ResponseMetadata.RequestId], "REST.GET.OBJECT", encodedKey, "200", "-", sent: "10", size: "10");
        AssertRecord(records[head.ResponseMetadata.RequestId], "REST.HEAD.OBJECT", encodedKey, "200", "-", sent: "-", size: "10");
        AssertRecord(records[missing.RequestId], "REST.GET.OBJECT", "absent", "404", "NoSuchKey", sent: null, size: "-");
        AssertRecord(records[delete.ResponseMetadata.RequestId], "REST.DELETE.OBJECT", encodedKey, "204", "-", sent: "-", size: "-");
        AssertRecord(records[versioning.ResponseMetadata.RequestId], "REST.GET.VERSIONING", "-", "200", "-", sent: null, size: "-");
        Assert.Equal($"GET /{source}/?versioning HTTP/1.1", records[versioning.ResponseMetadata.RequestId].Groups["uri"].Value);
    }

    [Fact]
    public async Task Partitioned_log_keys_name_the_account_region_bucket_and_date()
    {
        var (source, target) = await BucketsAsync();
        await EnableLoggingAsync(source, target, "part/", admitted: source, PartitionDateSource.EventTime);
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
        await EnableLoggingAsync(source, target, "logs/", admitted: ServerFixture.NewBucketName("other"));
        for (var i = 0; i < 3; i++) await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = $"k{i}", ContentBody = "x" });

        await Task.Delay(AccessLogServerFixture.Interval * 3);
        Assert.Empty((await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = target })).S3Objects ?? []);
        Assert.Single(Regex.Matches(fixture.Server.Log, $"Access logs of bucket {Regex.Escape(source)} are not delivered"));
    }

    [Fact]
    public async Task Disabling_logging_stops_delivery()
    {
        var (source, target) = await BucketsAsync();
        await EnableLoggingAsync(source, target, "logs/", admitted: source);
        var logged = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "before", ContentBody = "x" });
        await WaitForRecordsAsync(target, "logs/", logged.ResponseMetadata.RequestId);

        await S3.PutBucketLoggingAsync(new PutBucketLoggingRequest { BucketName = source, LoggingConfig = new S3BucketLoggingConfig() });
        var after = await S3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "after", ContentBody = "x" });
        await Task.Delay(AccessLogServerFixture.Interval * 3);
        var records = await ReadRecordsAsync(target, "logs/");
        Assert.Contains(logged.ResponseMetadata.RequestId, records.Keys);
        Assert.DoesNotContain(after.ResponseMetadata.RequestId, records.Keys);
    }

    /// <summary>Puts the target policy S3 documents, admitting the logs of <paramref name="admitted"/>, then enables logging of <paramref name="source"/>.</summary>
    private async Task EnableLoggingAsync(string source, string target, string prefix, string admitted, PartitionDateSource? partitioned = null)
    {
        await BucketPolicies.PutAsync(fixture.Server, target, AccessLogServerFixture.LoggingTargetPolicy(target, admitted));
        await S3.PutBucketLoggingAsync(new PutBucketLoggingRequest
        {
            BucketName = source,
            LoggingConfig = new S3BucketLoggingConfig
            {
                TargetBucketName = target, TargetPrefix = prefix,
                TargetObjectKeyFormat = partitioned is null ? null : new TargetObjectKeyFormat { PartitionedPrefix = new PartitionedPrefix { PartitionDateSource = partitioned } },
            },
        });
    }

    private static void AssertRecord(Match record, string operation, string key, string status, string error, string? sent, string size)
    {
        Assert.Equal((operation, key, status, error, size),
            (record.Groups["operation"].Value, record.Groups["key"].Value, record.Groups["status"].Value, record.Groups["error"].Value, record.Groups["size"].Value));
        if (sent is not null) Assert.Equal(sent, record.Groups["sent"].Value);
        else Assert.Matches("^[1-9][0-9]*$", record.Groups["sent"].Value);
    }

    /// <summary>Waits until records of every request id are in the target's log objects; returns every record by request id.</summary>
    private async Task<Dictionary<string, Match>> WaitForRecordsAsync(string target, string prefix, params string[] requestIds)
    {
        var deadline = DateTime.UtcNow + DeliveryWait;
        while (true)
        {
            var records = await ReadRecordsAsync(target, prefix);
            if (requestIds.All(records.ContainsKey)) return records;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No records of {string.Join(", ", requestIds.Where(id => !records.ContainsKey(id)))} in {target}/{prefix} after {DeliveryWait}");
            await Task.Delay(500);
        }
    }

    /// <summary>Every line of every log object under the prefix, each checked against S3's record format.</summary>
    private async Task<Dictionary<string, Match>> ReadRecordsAsync(string target, string prefix)
    {
        var records = new Dictionary<string, Match>(StringComparer.Ordinal);
        var listed = await S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = target, Prefix = prefix });
        foreach (var entry in listed.S3Objects ?? [])
        {
            using var log = await S3.GetObjectAsync(target, entry.Key);
            Assert.Equal("text/plain", log.Headers.ContentType);
            var text = await new StreamReader(log.ResponseStream).ReadToEndAsync();
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                var record = AccessLogServerFixture.Record().Match(line);
                Assert.True(record.Success, $"not a record of S3's access log format: {line}");
                records.Add(record.Groups["requestId"].Value, record);
            }
        }
        return records;
    }

    private async Task<(string Source, string Target)> BucketsAsync() =>
        (await fixture.NewBucketAsync("logged"), await fixture.NewBucketAsync("logs"));

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
