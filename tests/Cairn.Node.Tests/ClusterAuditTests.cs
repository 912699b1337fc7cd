using System.Text.Json;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>
/// Each node of a cluster writes the audit entries of the requests it served; `cairn admin audit` through any node shows
/// every node's, newest first, each naming its node, and says which node did not answer when one is down.
/// </summary>
public sealed class ClusterAuditTests : IAsyncLifetime
{
    private LocalClusterProcesses cluster = null!;

    public async Task InitializeAsync() => cluster = await LocalClusterProcesses.StartAsync(3);

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task A_put_through_n2_and_a_delete_through_n3_are_in_the_audit_read_from_n1_and_a_down_node_is_named()
    {
        var bucket = ServerFixture.NewBucketName("audit");
        string createId, putId, deleteId;
        using (var n1 = cluster.Client(cluster["n1"]))
            createId = (await n1.PutBucketAsync(bucket)).ResponseMetadata.RequestId;
        using (var n2 = cluster.Client(cluster["n2"]))
            putId = (await n2.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "report.txt", ContentBody = "hello" })).ResponseMetadata.RequestId;
        using (var n3 = cluster.Client(cluster["n3"]))
            deleteId = (await n3.DeleteObjectAsync(bucket, "report.txt")).ResponseMetadata.RequestId;

        var (entries, missing) = await AuditAsync(cluster["n1"], "--bucket", bucket);
        Assert.Equal("", missing);
        // Newest first across the nodes, each entry from the node that served it.
        Assert.Equal(new[] { (deleteId, "DeleteObject", "n3"), (putId, "PutObject", "n2"), (createId, "CreateBucket", "n1") },
            entries.Select(e => (e.GetProperty("requestId").GetString()!, e.GetProperty("action").GetString()!, e.GetProperty("node").GetString()!)));
        Assert.Equal("report.txt", entries[0].GetProperty("key").GetString());
        Assert.Equal(204, entries[0].GetProperty("status").GetInt32());
        Assert.Equal(200, entries[1].GetProperty("status").GetInt32());
        // The limit holds for the merged answer, not per node; the filters reach every node as given (a time's ':' and '+' escaped).
        Assert.Equal(new[] { deleteId }, (await AuditAsync(cluster["n1"], "--bucket", bucket, "--since", "1h", "--limit", "1")).Entries.Select(e => e.GetProperty("requestId").GetString()));
        Assert.Empty((await AuditAsync(cluster["n2"], "--bucket", bucket, "--until", "2000-01-01T00:00:00+00:00")).Entries);

        // The console's Activity page on n1 reads the same merged log: the entries served by n2 and n3, with their nodes.
        var activity = await ConsoleActivityAsync(cluster["n1"], bucket);
        foreach (var (id, node) in new[] { (putId, "n2"), (deleteId, "n3") })
            Assert.Matches($"<td class=\"mono\">{id}</td>\\s*<td>{node}</td>", activity);

        // n3 down: its entries are missing and the answer says so; the others' are answered all the same.
        cluster["n3"].Server.Kill();
        var (left, down) = await AuditAsync(cluster["n1"], "--bucket", bucket);
        Assert.Equal(new[] { putId, createId }, left.Select(e => e.GetProperty("requestId").GetString()));
        Assert.Contains("node n3 (" + cluster["n3"].ClusterAddress + ") did not answer", down, StringComparison.Ordinal);
    }

    /// <summary>Signs in to a node's console as the root and reads the Activity page for a bucket.</summary>
    private static async Task<string> ConsoleActivityAsync(ClusterNodeProcess via, string bucket)
    {
        using var http = await ConsoleSignIn.AsRootAsync(via.Server);
        return await http.GetStringAsync(via.Server.Endpoint + "/console/activity?bucket=" + Uri.EscapeDataString(bucket));
    }

    /// <summary>`cairn admin audit ARGS --json` through a node: the entries (a JSON object per line) and what it wrote on stderr.</summary>
    private static async Task<(JsonElement[] Entries, string Errors)> AuditAsync(ClusterNodeProcess via, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(["admin", "audit", .. args, "--json", "--endpoint", via.Server.Endpoint]), TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray(), result.Stderr.Trim());
    }
}
