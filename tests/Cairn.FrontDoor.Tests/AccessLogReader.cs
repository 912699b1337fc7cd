using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Server access logging as a test drives it through a server of its fixture: enabling a bucket's logging with the target
/// policy S3 documents, and reading back what was delivered, every line checked against S3's record format.
/// </summary>
public sealed class AccessLogReader(ServerFixture fixture)
{
    public static readonly TimeSpan DeliveryWait = TimeSpan.FromSeconds(30);

    /// <summary>Puts the target policy S3 documents, admitting the logs of <paramref name="admitted"/>, then enables logging of <paramref name="source"/>.</summary>
    public async Task EnableAsync(string source, string target, string prefix, string admitted, PartitionDateSource? partitioned = null)
    {
        await BucketPolicies.PutAsync(fixture.Server, target, AccessLogServerFixture.LoggingTargetPolicy(target, admitted));
        await fixture.S3.PutBucketLoggingAsync(new PutBucketLoggingRequest
        {
            BucketName = source,
            LoggingConfig = new S3BucketLoggingConfig
            {
                TargetBucketName = target, TargetPrefix = prefix,
                TargetObjectKeyFormat = partitioned is null ? null : new TargetObjectKeyFormat { PartitionedPrefix = new PartitionedPrefix { PartitionDateSource = partitioned } },
            },
        });
    }

    /// <summary>Waits until records of every request id are in the target's log objects.</summary>
    public async Task<DeliveredRecords> WaitForAsync(string target, string prefix, params string[] requestIds)
    {
        var deadline = DateTime.UtcNow + DeliveryWait;
        while (true)
        {
            var records = await ReadAsync(target, prefix);
            var logged = records.All.Select(r => r.Groups["requestId"].Value).ToHashSet(StringComparer.Ordinal);
            if (requestIds.All(logged.Contains)) return records;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No records of {string.Join(", ", requestIds.Where(id => !logged.Contains(id)))} in {target}/{prefix} after {DeliveryWait}");
            await Task.Delay(500);
        }
    }

    /// <summary>Every line of every log object under the prefix, each checked against S3's record format.</summary>
    public async Task<DeliveredRecords> ReadAsync(string target, string prefix)
    {
        var records = new List<Match>();
        var listed = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = target, Prefix = prefix });
        foreach (var entry in listed.S3Objects ?? [])
        {
            using var log = await fixture.S3.GetObjectAsync(target, entry.Key);
            Assert.Equal("text/plain", log.Headers.ContentType);
            var text = await new StreamReader(log.ResponseStream).ReadToEndAsync();
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                var record = AccessLogServerFixture.Record().Match(line);
                Assert.True(record.Success, $"not a record of S3's access log format: {line}");
                records.Add(record);
            }
        }
        return new DeliveredRecords(records);
    }
}

/// <summary>
/// The records delivered, in their order: each request's own record by its request id, and the BATCH.DELETE.OBJECT records
/// a DeleteObjects request adds under the same id.
/// </summary>
public sealed class DeliveredRecords
{
    public DeliveredRecords(IReadOnlyList<Match> all)
    {
        All = all;
        // A request's own record; the extra records some requests add under the same id are read apart.
        ByRequest = all.Where(r => r.Groups["operation"].Value is not ("BATCH.DELETE.OBJECT" or "REST.COPY.OBJECT_GET" or "REST.COPY.PART_GET"))
            .ToDictionary(r => r.Groups["requestId"].Value, StringComparer.Ordinal);
    }

    public IReadOnlyList<Match> All { get; }

    public Dictionary<string, Match> ByRequest { get; }

    /// <summary>The read half of a copy, logged in its source's bucket under the copy's request id.</summary>
    public IReadOnlyList<Match> CopyReads(string requestId) =>
        All.Where(r => r.Groups["operation"].Value.StartsWith("REST.COPY.", StringComparison.Ordinal) && r.Groups["operation"].Value.EndsWith("_GET", StringComparison.Ordinal)
            && r.Groups["requestId"].Value == requestId).ToList();

    public IReadOnlyList<Match> BatchDeletes(string requestId) =>
        All.Where(r => r.Groups["operation"].Value == "BATCH.DELETE.OBJECT" && r.Groups["requestId"].Value == requestId).ToList();
}
