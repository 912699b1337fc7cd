using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// Lifecycle rules on a real server whose day lasts a fraction of a second (--day-seconds), so a
/// 365-day ladder runs in under a minute. Conditions are polled: the worker fires on its own.
/// </summary>
public sealed class LifecycleTests
{
    private const string Ladder = """
        <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule><ID>ladder</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>
            <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
            <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>
            <Transition><Days>180</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition>
            <Expiration><Days>365</Days></Expiration>
            <AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>
          </Rule>
        </LifecycleConfiguration>
        """;

    [Fact]
    public async Task An_object_walks_down_the_ladder_with_its_bytes_intact_then_expires_and_a_stale_upload_is_aborted()
    {
        await using var server = await ServerProcess.StartAsync("--day-seconds", "0.1", "--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        using var s3 = server.Client();
        await s3.PutBucketAsync("ladder");
        await PutLifecycleAsync(server, "ladder", Ladder);
        var data = RandomNumberGenerator.GetBytes(200 * 1024); // over S3's 128 KiB transition floor
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "ladder", Key = "doc", InputStream = new MemoryStream(data) });
        var upload = await s3.InitiateMultipartUploadAsync("ladder", "stale");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = "ladder", Key = "stale", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1024 * 1024]) });

        var seen = new List<string>();
        var restored = false;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            GetObjectMetadataResponse head;
            try
            {
                head = await s3.GetObjectMetadataAsync("ladder", "doc");
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                break; // expired after 365 days
            }
            var storageClass = head.StorageClass?.Value ?? "STANDARD";
            if (seen.Count == 0 || seen[^1] != storageClass) seen.Add(storageClass);
            if (storageClass is "STANDARD" or "STANDARD_IA")
                await AssertReadableUnlessArchivedSinceAsync(s3, data); // no read fails while the bytes move
            else if (storageClass == "GLACIER" && !restored)
            {
                var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("ladder", "doc"));
                Assert.Equal(("InvalidObjectState", HttpStatusCode.Forbidden), (refused.ErrorCode, refused.StatusCode));
                await s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = "ladder", Key = "doc", Days = 30, RetrievalTier = GlacierJobTier.Expedited });
                while ((await s3.GetObjectMetadataAsync("ladder", "doc")).RestoreInProgress == true) await Task.Delay(20);
                Assert.Equal(data, await ReadAsync(s3, "ladder", "doc"));
                restored = true;
            }
            await Task.Delay(50);
        }
        Assert.Equal(["STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"], seen);
        Assert.True(restored, "the GLACIER object was restored and read");
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync("ladder", "doc"));

        Assert.Empty((await s3.ListMultipartUploadsAsync("ladder")).MultipartUploads ?? []);
        var usage = (await server.AdminAsync("usage", "--bucket", "ladder")).GetProperty("buckets")[0];
        Assert.Equal(0, usage.GetProperty("incompleteUploadBytes").GetInt64());
        Assert.Equal(0, usage.GetProperty("totalBytes").GetInt64());
        await WaitUntilAsync(() => server.FragmentFiles() == 0, "the expired object's and the aborted upload's bytes are freed");
    }

    [Fact]
    public async Task Noncurrent_versions_expire_keeping_the_newest_and_markers_left_alone_are_removed()
    {
        await using var server = await ServerProcess.StartAsync("--day-seconds", "0.2");
        using var s3 = server.Client();
        await VersionedBucketAsync(server, s3, """
            <LifecycleConfiguration>
              <Rule><ID>keep-one</ID><Filter><Prefix>k</Prefix></Filter><Status>Enabled</Status>
                <NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>
              </Rule>
              <Rule><ID>markers</ID><Filter><Prefix>dm/</Prefix></Filter><Status>Enabled</Status>
                <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
                <NoncurrentVersionExpiration><NoncurrentDays>2</NoncurrentDays></NoncurrentVersionExpiration>
              </Rule>
              <Rule><ID>cold-history</ID><Filter><Prefix>nt/</Prefix></Filter><Status>Enabled</Status>
                <NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER</StorageClass></NoncurrentVersionTransition>
              </Rule>
              <Rule><ID>expire-current</ID><Filter><Prefix>exp/</Prefix></Filter><Status>Enabled</Status>
                <Expiration><Days>2</Days></Expiration>
              </Rule>
            </LifecycleConfiguration>
            """);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "k", ContentBody = "one" });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "k", ContentBody = "two" });
        var v3 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "k", ContentBody = "three" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "dm/x", ContentBody = "hidden" });
        await s3.DeleteObjectAsync("versions", "dm/x");
        var current = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "exp/a", ContentBody = "expiring" });
        var old = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "nt/a", InputStream = new MemoryStream(new byte[200 * 1024]) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "nt/a", ContentBody = "newest" });

        await WaitUntilAsync(async () => (await VersionsAsync(s3, "k")).Count == 2, "the oldest noncurrent version of k expires");
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "dm/x")).Count == 0, "dm/x's version expires, then its lone marker is removed");
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "exp/a")).Count == 2, "exp/a's current version expires behind a delete marker");

        await WaitUntilAsync(async () => (await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "versions", Key = "nt/a", VersionId = old.VersionId })).StorageClass == S3StorageClass.Glacier,
            "the noncurrent version of nt/a moves to GLACIER");
        Assert.NotEqual(S3StorageClass.Glacier, (await s3.GetObjectMetadataAsync("versions", "nt/a")).StorageClass); // the current version stays

        await server.AdminAsync("lifecycle", "run"); // one more pass: what is left must stay
        Assert.Equal([v3.VersionId, v2.VersionId], (await VersionsAsync(s3, "k")).Select(v => v.VersionId));
        using (var kept = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "versions", Key = "k", VersionId = v2.VersionId }))
            Assert.Equal("two", await new StreamReader(kept.ResponseStream).ReadToEndAsync());
        var exp = await VersionsAsync(s3, "exp/a");
        Assert.True(exp[0].IsDeleteMarker);
        Assert.Equal(current.VersionId, exp[1].VersionId);
        Assert.NotEqual(v1.VersionId, v2.VersionId);
    }

    [Fact]
    public async Task Newer_noncurrent_versions_are_kept_lone_markers_removed_and_objects_expire_when_x_amz_expiration_said()
    {
        // A day is two seconds: x-amz-expiration's "next day start" is then a two-second boundary, not midnight.
        await using var server = await ServerProcess.StartAsync("--day-seconds", "2");
        using var s3 = server.Client();
        await VersionedBucketAsync(server, s3, """
            <LifecycleConfiguration>
              <Rule><ID>history-cold</ID><Filter><And><Prefix>nt/</Prefix><ObjectSizeGreaterThan>0</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>
                <NoncurrentVersionTransition><NoncurrentDays>1</NoncurrentDays><StorageClass>GLACIER</StorageClass><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionTransition>
              </Rule>
              <Rule><ID>markers</ID><Filter><Prefix>dm/</Prefix></Filter><Status>Enabled</Status>
                <Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
                <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>
              </Rule>
              <Rule><ID>two-days</ID><Filter><Prefix>exp/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>2</Days></Expiration></Rule>
            </LifecycleConfiguration>
            """);
        var history = new List<string>();
        for (var i = 1; i <= 4; i++)
            history.Add((await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "nt/k", ContentBody = $"v{i}" })).VersionId);
        var d1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "dm/k", ContentBody = "d1" });
        var d2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "dm/k", ContentBody = "d2" });
        var marker = await s3.DeleteObjectAsync("versions", "dm/k");

        using var http = new SignedHttp(server);
        using var put = await http.SendAsync(HttpMethod.Put, "/versions/exp/a", SignedHttp.Bytes("expiring"u8.ToArray()));
        var expiration = put.Headers.GetValues("x-amz-expiration").Single();
        var match = global::System.Text.RegularExpressions.Regex.Match(expiration, "^expiry-date=\"([^\"]+)\", rule-id=\"two-days\"$");
        Assert.True(match.Success, expiration);
        var expiresAt = DateTimeOffset.ParseExact(match.Groups[1].Value, "R", CultureInfo.InvariantCulture);
        var created = (await s3.GetObjectMetadataAsync("versions", "exp/a")).LastModified!.Value.ToUniversalTime();
        // Creation + 2 days (4 s), rounded up to the next 2-second day boundary; the header shows whole seconds.
        Assert.InRange((expiresAt.UtcDateTime - created).TotalSeconds, 3, 6);
        using (var head = await http.SendAsync(HttpMethod.Head, "/versions/exp/a"))
            Assert.Equal(expiration, head.Headers.GetValues("x-amz-expiration").Single());
        using (var get = await http.SendAsync(HttpMethod.Get, "/versions/exp/a"))
            Assert.Equal(expiration, get.Headers.GetValues("x-amz-expiration").Single());

        // The worker expires it in the second the header named (or a pass later), never before.
        DateTimeOffset lastSeen = DateTimeOffset.MinValue, goneAt;
        while (true)
        {
            var asked = DateTimeOffset.UtcNow;
            using var head = await http.SendAsync(HttpMethod.Head, "/versions/exp/a");
            if (head.StatusCode == HttpStatusCode.NotFound)
            {
                goneAt = DateTimeOffset.UtcNow;
                break;
            }
            lastSeen = asked;
            Assert.True(asked < expiresAt.AddSeconds(10), "exp/a was never expired");
            await Task.Delay(50);
        }
        Assert.True(goneAt >= expiresAt, $"expired at {goneAt:O}, before the announced {expiresAt:O}");
        Assert.True(lastSeen < expiresAt.AddSeconds(1), $"still there at {lastSeen:O}, after the announced {expiresAt:O}");

        // NewerNoncurrentVersions 2: only the third-newest noncurrent version moves to GLACIER.
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "nt/k")).Single(v => v.VersionId == history[0]).StorageClass == S3StorageClass.Glacier,
            "the oldest noncurrent version of nt/k moves to GLACIER");
        // ExpiredObjectDeleteMarker: the marker hides d2 still; NewerNoncurrentVersions 1 keeps d2 and reaps d1.
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "dm/k")).Count == 2, "d1 is reaped behind the marker");
        await server.AdminAsync("lifecycle", "run");
        Assert.Equal([history[3], history[2], history[1], history[0]], (await VersionsAsync(s3, "nt/k")).Select(v => v.VersionId));
        Assert.Equal([S3StorageClass.Standard, S3StorageClass.Standard, S3StorageClass.Standard, S3StorageClass.Glacier],
            (await VersionsAsync(s3, "nt/k")).Select(v => v.StorageClass));
        Assert.Equal([marker.VersionId, d2.VersionId], (await VersionsAsync(s3, "dm/k")).Select(v => v.VersionId));

        // Once nothing is left behind the marker, the rule removes it.
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "versions", Key = "dm/k", VersionId = d2.VersionId });
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "dm/k")).Count == 0, "the lone delete marker of dm/k is removed");
        Assert.NotEqual(d1.VersionId, d2.VersionId);
    }

    [Fact]
    public async Task A_transitioned_multipart_object_still_reports_its_parts()
    {
        await using var server = await ServerProcess.StartAsync("--day-seconds", "0.05");
        using var s3 = server.Client();
        await s3.PutBucketAsync("parts");
        byte[][] data = [RandomNumberGenerator.GetBytes(5 * 1024 * 1024), RandomNumberGenerator.GetBytes(4096)];
        var create = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "parts", Key = "mp", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
        var etags = new List<PartETag>();
        for (var i = 0; i < data.Length; i++)
        {
            var up = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "parts", Key = "mp", UploadId = create.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(data[i]), ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
            });
            etags.Add(new PartETag(i + 1, up.ETag) { ChecksumSHA256 = up.ChecksumSHA256 });
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "parts", Key = "mp", UploadId = create.UploadId, PartETags = etags });
        await PutLifecycleAsync(server, "parts", """
            <LifecycleConfiguration><Rule><ID>ia</ID><Filter></Filter><Status>Enabled</Status>
              <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule></LifecycleConfiguration>
            """);

        // The parts' blobs are rewritten into one on the warm medium; what the parts were stays.
        await WaitUntilAsync(async () => (await s3.GetObjectMetadataAsync("parts", "mp")).StorageClass == S3StorageClass.StandardInfrequentAccess, "mp moves to STANDARD_IA");
        var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = "parts", Key = "mp", ObjectAttributes = [ObjectAttributes.ObjectParts, ObjectAttributes.StorageClass],
        });
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, attributes.StorageClass);
        Assert.NotNull(attributes.ObjectParts);
        Assert.Equal(2, attributes.ObjectParts.TotalPartsCount);
        Assert.Equal([(1, 5L * 1024 * 1024, Convert.ToBase64String(SHA256.HashData(data[0]))), (2, 4096L, Convert.ToBase64String(SHA256.HashData(data[1])))],
            attributes.ObjectParts.Parts.Select(p => (p.PartNumber!.Value, p.Size!.Value, p.ChecksumSHA256)));
        using var second = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "parts", Key = "mp", PartNumber = 2 });
        Assert.Equal(2, second.PartsCount);
        Assert.Equal(data[1], await TestStreams.ReadAllBytesAsync(second.ResponseStream));
    }

    [Fact]
    public async Task Rules_fire_only_for_objects_their_prefix_tag_and_size_filters_match()
    {
        await using var server = await ServerProcess.StartAsync("--day-seconds", "0.2");
        using var s3 = server.Client();
        await s3.PutBucketAsync("filters");
        await PutLifecycleAsync(server, "filters", """
            <LifecycleConfiguration>
              <Rule><ID>temp-logs</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>temp</Key><Value>yes</Value></Tag></And></Filter><Status>Enabled</Status>
                <Expiration><Days>1</Days></Expiration></Rule>
              <Rule><ID>big</ID><Filter><And><Prefix>size/</Prefix><ObjectSizeGreaterThan>1000</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status>
                <Expiration><Days>1</Days></Expiration></Rule>
              <Rule><ID>off</ID><Filter><Prefix>off/</Prefix></Filter><Status>Disabled</Status>
                <Expiration><Days>1</Days></Expiration></Rule>
            </LifecycleConfiguration>
            """);
        async Task PutAsync(string key, int size, string? tagging = null)
        {
            var request = new PutObjectRequest { BucketName = "filters", Key = key, InputStream = new MemoryStream(new byte[size]) };
            if (tagging is not null) request.TagSet = [new Tag { Key = "temp", Value = tagging }];
            await s3.PutObjectAsync(request);
        }
        await PutAsync("logs/a", 10, "yes");
        await PutAsync("logs/b", 10);
        await PutAsync("logs/c", 10, "no");
        await PutAsync("other/a", 10, "yes");
        await PutAsync("size/big", 2000);
        await PutAsync("size/small", 10);
        await PutAsync("off/a", 10);

        await WaitUntilAsync(async () => (await KeysAsync(s3, "filters")).SequenceEqual(["logs/b", "logs/c", "off/a", "other/a", "size/small"]),
            "logs/a (tagged temp=yes) and size/big (over 1000 bytes) expire");
        await Task.Delay(TimeSpan.FromSeconds(1)); // five more days
        await server.AdminAsync("lifecycle", "run", "--bucket", "filters");
        Assert.Equal(["logs/b", "logs/c", "off/a", "other/a", "size/small"], await KeysAsync(s3, "filters"));
    }

    [Fact]
    public async Task Deleting_a_glacier_object_early_charges_its_90_day_minimum_and_the_bill_shows_each_kind()
    {
        // A day of 1000 s: the test's seconds are a sliver of a day, so nearly all of the minimum is still owed.
        await using var server = await ServerProcess.StartAsync("--day-seconds", "1000");
        using var s3 = server.Client();
        await s3.PutBucketAsync("bill");
        const int size = 1024 * 1024;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "bill", Key = "cold", InputStream = new MemoryStream(new byte[size]), StorageClass = S3StorageClass.Glacier });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "bill", Key = "tiny-ia", ContentBody = "x", StorageClass = S3StorageClass.StandardInfrequentAccess });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "bill", Key = "hot", ContentBody = "hot" });
        var upload = await s3.InitiateMultipartUploadAsync("bill", "parts");
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = "bill", Key = "parts", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[size]) });
        await Task.Delay(500);
        await s3.DeleteObjectAsync("bill", "cold");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "bill", Key = "hot", ContentBody = "overwritten" }); // STANDARD: no minimum

        var bill = await server.AdminAsync("billing", "--bucket", "bill");
        var lines = bill.GetProperty("lines").EnumerateArray().ToList();
        double ByteDays(string storageClass, string kind) =>
            lines.Where(l => l.GetProperty("storageClass").GetString() == storageClass && l.GetProperty("kind").GetString() == kind).Sum(l => l.GetProperty("byteDays").GetDouble());

        var earlyGlacierDays = ByteDays("GLACIER", "early-delete") / size;
        Assert.InRange(earlyGlacierDays, 89.9, 90.0);
        Assert.InRange(ByteDays("GLACIER", "current") / size, 0.0001, 0.1); // the half second it was stored
        Assert.Equal(0, ByteDays("STANDARD", "early-delete"));
        Assert.InRange(ByteDays("STANDARD_IA", "current") / (128 * 1024), 0.0001, 0.1); // billed at its 128 KiB minimum size
        Assert.True(ByteDays("STANDARD", "incomplete-upload") > 0, "the upload's part accrues as incomplete-upload storage");
        Assert.True(bill.GetProperty("earlyDeleteCost").GetDecimal() > 0);
        Assert.Equal(bill.GetProperty("totalCost").GetDecimal(),
            bill.GetProperty("storageCost").GetDecimal() + bill.GetProperty("earlyDeleteCost").GetDecimal() + bill.GetProperty("incompleteUploadCost").GetDecimal());
        // 90 days of 1 MiB in GLACIER at $0.0036 per GiB-month.
        var expected = (decimal)(earlyGlacierDays / 30 / 1024) * 0.0036m;
        var earlyCost = bill.GetProperty("earlyDeleteCost").GetDecimal();
        Assert.InRange(earlyCost, expected * 0.999m, expected * 1.001m);
    }

    [Fact]
    public async Task A_transition_moves_the_bytes_onto_the_target_class_drives_and_rules_and_ledger_survive_a_restart()
    {
        var drives = Path.Combine(Path.GetTempPath(), "cairn-tiers-" + Guid.NewGuid().ToString("N"));
        var config = Path.Combine(drives, "node.json");
        Directory.CreateDirectory(drives);
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            drives = new object[] { new { path = Path.Combine(drives, "hot"), tier = "hot" }, new { path = Path.Combine(drives, "cold"), tier = "cold" } },
        }));
        try
        {
            await using var server = await ServerProcess.StartAsync("--config", config, "--day-seconds", "1", "--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
            using var s3 = server.Client();
            await s3.PutBucketAsync("tiers");
            var data = RandomNumberGenerator.GetBytes(300 * 1024);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "tiers", Key = "doc", InputStream = new MemoryStream(data) });
            Assert.Equal((1, 0), (Files(drives, "hot"), Files(drives, "cold")));

            await server.RestartAsync(); // the rules are index state: they survive a restart
            await PutLifecycleAsync(server, "tiers", """
                <LifecycleConfiguration><Rule><ID>now</ID><Filter/><Status>Enabled</Status>
                  <Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition></Rule></LifecycleConfiguration>
                """);
            await server.RestartAsync();
            var run = await server.AdminAsync("lifecycle", "run", "--bucket", "tiers");
            var outcomes = run.GetProperty("outcomes").EnumerateArray().Select(o => (o.GetProperty("key").GetString(), o.GetProperty("action").GetString(), o.GetProperty("storageClass").GetString())).ToList();
            // The background pass may have got there first; either way it happened exactly once.
            Assert.True(outcomes.Count <= 1 && outcomes.All(o => o == ("doc", "transition", "GLACIER")), run.ToString());
            Assert.Equal(S3StorageClass.Glacier, (await s3.GetObjectMetadataAsync("tiers", "doc")).StorageClass);
            Assert.Empty((await server.AdminAsync("lifecycle", "run", "--bucket", "tiers")).GetProperty("outcomes").EnumerateArray());
            await WaitUntilAsync(() => Files(drives, "hot") == 0 && Files(drives, "cold") == 1, "the bytes moved from the hot drive to the cold one");

            await s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = "tiers", Key = "doc", Days = 30, RetrievalTier = GlacierJobTier.Expedited });
            while ((await s3.GetObjectMetadataAsync("tiers", "doc")).RestoreInProgress == true) await Task.Delay(20);
            Assert.Equal(data, await ReadAsync(s3, "tiers", "doc"));

            await s3.DeleteObjectAsync("tiers", "doc");
            await server.RestartAsync();
            var lines = (await server.AdminAsync("billing", "--bucket", "tiers")).GetProperty("lines").EnumerateArray()
                .Select(l => (l.GetProperty("storageClass").GetString(), l.GetProperty("kind").GetString())).ToList();
            Assert.Contains(("STANDARD", "current"), lines);
            Assert.Contains(("GLACIER", "current"), lines);
            Assert.Contains(("GLACIER", "early-delete"), lines);
        }
        finally
        {
            Directory.Delete(drives, recursive: true);
        }
    }

    private static int Files(string drives, string tier)
    {
        var fragments = Path.Combine(drives, tier, "fragments");
        return Directory.Exists(fragments) ? Directory.EnumerateFiles(fragments, "*", SearchOption.AllDirectories).Count() : 0;
    }

    [Fact]
    public async Task Kill_9_in_the_middle_of_transitions_loses_no_object_and_leaks_no_bytes()
    {
        await using var server = await ServerProcess.StartAsync("--day-seconds", "1", "--gc-grace", "00:00:02", "--gc-interval", "00:00:01");
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync("crash");
            for (var i = 0; i < 40; i++)
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "crash", Key = $"k{i:D2}", InputStream = new MemoryStream(Payload(i)) });
            await PutLifecycleAsync(server, "crash", """
                <LifecycleConfiguration><Rule><ID>deep</ID><Filter/><Status>Enabled</Status>
                  <Transition><Days>0</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule></LifecycleConfiguration>
                """);
            // Kill as soon as the worker has moved some, but not all, of the objects.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await s3.GetObjectMetadataAsync("crash", "k00")).StorageClass != S3StorageClass.DeepArchive && DateTime.UtcNow < deadline) await Task.Delay(5);
        }
        server.Kill();
        await server.StartProcessAsync();
        using var after = server.Client();
        await WaitUntilAsync(async () =>
        {
            for (var i = 0; i < 40; i++)
                if ((await after.GetObjectMetadataAsync("crash", $"k{i:D2}")).StorageClass != S3StorageClass.DeepArchive) return false;
            return true;
        }, "every object reaches DEEP_ARCHIVE after the restart");
        for (var i = 0; i < 40; i++)
        {
            await after.RestoreObjectAsync(new RestoreObjectRequest { BucketName = "crash", Key = $"k{i:D2}", Days = 30 }); // a day is a second here: the copies must outlive the reads below
        }
        await WaitUntilAsync(async () => (await after.GetObjectMetadataAsync("crash", "k39")).RestoreInProgress != true, "restores finish");
        for (var i = 0; i < 40; i++)
            Assert.Equal(Payload(i), await ReadAsync(after, "crash", $"k{i:D2}"));
        await WaitUntilAsync(() => server.FragmentFiles() == 40, "blobs half-written by the killed pass are reclaimed: one fragment per object");
    }

    private static byte[] Payload(int i)
    {
        var data = new byte[150 * 1024];
        new Random(i).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task Noncurrent_expiration_skips_versions_under_object_lock_until_the_lock_is_lifted()
    {
        await using var server = await ServerProcess.StartAsync("--day-seconds", "0.5");
        using var s3 = server.Client();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = "versions", ObjectLockEnabledForBucket = true });
        await PutLifecycleAsync(server, "versions", """
            <LifecycleConfiguration>
              <Rule><ID>history</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>
                <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>
              </Rule>
            </LifecycleConfiguration>
            """);
        var governed = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "versions", Key = "governed", ContentBody = "old", ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = DateTime.UtcNow.AddHours(1),
        });
        var held = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "held", ContentBody = "old", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = "unlocked", ContentBody = "old" });
        foreach (var key in new[] { "governed", "held", "unlocked" })
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "versions", Key = key, ContentBody = "new" });

        await WaitUntilAsync(async () => (await VersionsAsync(s3, "unlocked")).Count == 1, "the unlocked noncurrent version, walked after the locked ones, expires");
        await server.AdminAsync("lifecycle", "run"); // one more pass after it: the locked ones stay
        Assert.Contains(governed.VersionId, (await VersionsAsync(s3, "governed")).Select(v => v.VersionId));
        Assert.Contains(held.VersionId, (await VersionsAsync(s3, "held")).Select(v => v.VersionId));

        await s3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = "versions", Key = "governed", VersionId = governed.VersionId, BypassGovernanceRetention = true,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = DateTime.UtcNow.AddSeconds(2) },
        });
        await s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = "versions", Key = "held", VersionId = held.VersionId, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off },
        });
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "governed")).Count == 1, "the noncurrent version expires once its retention ends");
        await WaitUntilAsync(async () => (await VersionsAsync(s3, "held")).Count == 1, "the noncurrent version expires once its legal hold is off");
    }

    /// <summary>The bucket "versions", versioning enabled, with the lifecycle configuration given.</summary>
    private static async Task VersionedBucketAsync(ServerProcess server, IAmazonS3 s3, string lifecycle)
    {
        await s3.PutBucketAsync("versions");
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "versions", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await PutLifecycleAsync(server, "versions", lifecycle);
    }

    private static async Task PutLifecycleAsync(ServerProcess server, string bucket, string xml)
    {
        using var http = new SignedHttp(server);
        var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", SignedHttp.Xml(xml));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The bytes read back intact; a refusal counts only when the object reached an archive class between
    /// the HEAD that saw it readable and this GET (a day is 0.1 s here, so a transition can land in between).
    /// </summary>
    private static async Task AssertReadableUnlessArchivedSinceAsync(IAmazonS3 s3, byte[] data)
    {
        try
        {
            Assert.Equal(data, await ReadAsync(s3, "ladder", "doc"));
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "InvalidObjectState")
        {
            var now = (await s3.GetObjectMetadataAsync("ladder", "doc")).StorageClass?.Value;
            Assert.True(now is "GLACIER" or "DEEP_ARCHIVE", $"a read was refused while the object was {now ?? "STANDARD"}");
        }
    }

    private static async Task<byte[]> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var get = await s3.GetObjectAsync(bucket, key);
        return await TestStreams.ReadAllBytesAsync(get.ResponseStream);
    }

    private static async Task<List<S3ObjectVersion>> VersionsAsync(IAmazonS3 s3, string key) =>
        ((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = "versions", Prefix = key })).Versions ?? []).Where(v => v.Key == key).ToList();

    private static async Task<List<string>> KeysAsync(IAmazonS3 s3, string bucket) =>
        ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key).ToList();

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Never happened: " + what);
            await Task.Delay(100);
        }
    }
}
