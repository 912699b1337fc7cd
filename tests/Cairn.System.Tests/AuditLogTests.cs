using System.Net;
using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// The audit log through a real server and `cairn admin audit --json`: writes, deletes and failed sign-ins are recorded
/// with who, what and how it ended, durably (kill -9 right after the responses loses none), and the filters select.
/// </summary>
public sealed class AuditLogTests
{
    [Fact]
    public async Task A_put_a_delete_and_a_bad_signature_are_recorded_and_survive_kill_9()
    {
        await using var server = await ServerProcess.StartAsync();
        var bucket = ServerFixture.NewBucketName("audit");
        string putId, deleteId, forgedId;
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync(bucket);
            putId = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "report.txt", ContentBody = "hello" })).ResponseMetadata.RequestId;
            deleteId = (await s3.DeleteObjectAsync(bucket, "report.txt")).ResponseMetadata.RequestId;
        }
        using (var forged = new SignedHttp(server, ServerProcess.AccessKey, "not-the-secret-key-0123456789"))
        using (var refused = await forged.SendAsync(HttpMethod.Get, $"/{bucket}/report.txt"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            forgedId = refused.Headers.GetValues("x-amz-request-id").Single();
        }

        // The entries were on disk before the responses started: none is lost by kill -9 right after them.
        server.Kill();
        await server.StartProcessAsync();

        var entries = await AuditAsync(server, "--bucket", bucket);
        var put = entries.Single(e => e.GetProperty("requestId").GetString() == putId);
        Assert.EndsWith(":root", put.GetProperty("actor").GetString());
        Assert.Equal("s3", put.GetProperty("api").GetString());
        Assert.Equal("PutObject", put.GetProperty("action").GetString());
        Assert.Equal("report.txt", put.GetProperty("key").GetString());
        Assert.Equal(200, put.GetProperty("status").GetInt32());
        Assert.Equal("127.0.0.1", put.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, put.GetProperty("errorCode").ValueKind);
        var delete = entries.Single(e => e.GetProperty("requestId").GetString() == deleteId);
        Assert.Equal("DeleteObject", delete.GetProperty("action").GetString());
        Assert.Equal(204, delete.GetProperty("status").GetInt32());
        var forgedEntry = entries.Single(e => e.GetProperty("requestId").GetString() == forgedId);
        Assert.Equal(ServerProcess.AccessKey, forgedEntry.GetProperty("actor").GetString()); // the key that was tried
        Assert.Equal("GetObject", forgedEntry.GetProperty("action").GetString());
        Assert.Equal(403, forgedEntry.GetProperty("status").GetInt32());
        Assert.Equal("SignatureDoesNotMatch", forgedEntry.GetProperty("errorCode").GetString());
        // Newest first; the bucket's creation is the oldest of them.
        Assert.Equal(new[] { forgedId, deleteId, putId }, entries.Select(e => e.GetProperty("requestId").GetString()!).Where(id => id == putId || id == deleteId || id == forgedId));
        Assert.Equal("CreateBucket", entries[^1].GetProperty("action").GetString());

        // Filters: failures only, an action, an actor by the end of its ARN; admin calls are recorded too.
        Assert.Equal(new[] { forgedId }, (await AuditAsync(server, "--bucket", bucket, "--failures")).Select(e => e.GetProperty("requestId").GetString()!));
        Assert.Equal(new[] { deleteId }, (await AuditAsync(server, "--bucket", bucket, "--action", "DeleteObject")).Select(e => e.GetProperty("requestId").GetString()!));
        Assert.Equal(3, (await AuditAsync(server, "--bucket", bucket, "--actor", "root")).Length);
        Assert.Single(await AuditAsync(server, "--bucket", bucket, "--limit", "1"));
        Assert.Empty(await AuditAsync(server, "--bucket", bucket, "--until", "2000-01-01T00:00:00Z"));
        Assert.Contains(await AuditAsync(server, "--api", "admin"), e => e.GetProperty("action").GetString() == "audit");
    }

    [Fact]
    public async Task A_query_that_does_not_parse_is_refused()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new SignedHttp(server);
        using var response = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/audit?limit=0");
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
        using var since = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/audit?since=yesterday");
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(since));
    }

    [Fact]
    public async Task Files_rotate_at_the_size_limit_and_only_the_newest_are_kept()
    {
        await using var server = await ServerProcess.StartAsync("--audit-max-file-bytes", "1KiB", "--audit-keep-files", "3");
        var bucket = ServerFixture.NewBucketName("rotate");
        var ids = new List<string>();
        using (var s3 = server.Client())
        {
            await s3.PutBucketAsync(bucket);
            for (var i = 0; i < 30; i++)
                ids.Add((await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"k{i}", ContentBody = "x" })).ResponseMetadata.RequestId);
        }
        var files = Directory.GetFiles(Path.Combine(server.DataPath, "audit"), "audit-*.jsonl");
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 1024));
        Assert.All(files, f => Assert.Matches(@"audit-\d{8}-\d{6}(-\d+)?\.jsonl$", f));
        var kept = File.ReadLines(files[0]).Concat(File.ReadLines(files[1])).Concat(File.ReadLines(files[2])).Count();

        // The entries read back are the newest ones, newest first, across the rotated files.
        var entries = await AuditAsync(server, "--bucket", bucket, "--limit", "1000");
        Assert.Equal(kept, entries.Length);
        Assert.True(kept < ids.Count, "the oldest files must have been deleted");
        Assert.Equal(Enumerable.Reverse(ids).Take(kept), entries.Select(e => e.GetProperty("requestId").GetString()!));
    }

    private static async Task<JsonElement[]> AuditAsync(ServerProcess server, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(["admin", "audit", .. args, "--json", "--endpoint", server.Endpoint]), TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
    }
}
