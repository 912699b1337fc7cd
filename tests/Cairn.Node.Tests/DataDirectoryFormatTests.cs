using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>
/// A node refuses, with a message saying why, a data directory it does not understand: one written in a later format,
/// or one holding the other layout (a single node's store started as a cluster node would have its objects ignored).
/// </summary>
public sealed class DataDirectoryFormatTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "cairn-format-" + Guid.NewGuid().ToString("N")[..8]);

    public DataDirectoryFormatTests() => Directory.CreateDirectory(folder);

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_new_directory_is_recorded_in_the_current_format_and_opens_again()
    {
        var recorded = DataDirectoryFormat.Open(folder, DataDirectoryLayout.Cluster, "9.9.9");

        Assert.Equal((DataDirectoryFormat.Current, DataDirectoryLayout.Cluster, "9.9.9"), (recorded.Format, recorded.Layout, recorded.WrittenBy));
        Assert.True(File.Exists(Path.Combine(folder, DataDirectoryFormat.FileName)));
        Assert.Equal(recorded, DataDirectoryFormat.Open(folder, DataDirectoryLayout.Cluster, "10.0.0"));
    }

    [Fact]
    public void A_directory_from_before_the_record_is_recognised_by_its_folders()
    {
        Directory.CreateDirectory(Path.Combine(folder, "index"));

        Assert.Equal(DataDirectoryLayout.Single, DataDirectoryFormat.Open(folder, DataDirectoryLayout.Single, "1.0.0").Layout);
        var refused = Assert.Throws<DataDirectoryRefused>(() => DataDirectoryFormat.Open(folder, DataDirectoryLayout.Cluster, "1.0.0"));
        Assert.Contains("single node's store", refused.Message);
    }

    [Fact]
    public void A_later_format_is_refused_naming_the_release_that_wrote_it()
    {
        File.WriteAllText(Path.Combine(folder, DataDirectoryFormat.FileName), """{ "format": 7, "layout": "Single", "writtenBy": "3.1.0" }""");

        var refused = Assert.Throws<DataDirectoryRefused>(() => DataDirectoryFormat.Open(folder, DataDirectoryLayout.Single, "1.0.0"));
        Assert.Contains("format 7, written by cairn 3.1.0", refused.Message);
    }

    [Fact]
    public async Task The_server_refuses_such_a_directory_in_one_line_and_exits_1()
    {
        await using var first = await ServerProcess.StartInAsync(folder);
        first.Kill();
        Assert.Contains("\"layout\": \"Single\"", File.ReadAllText(Path.Combine(folder, DataDirectoryFormat.FileName)));

        // The same directory started as a cluster node: refused, the single node's objects untouched.
        await using var asCluster = ServerProcess.Create(folder, ServerProcess.FreePort(),
            ["--node-id", "n1", "--cluster-address", $"127.0.0.1:{ServerProcess.FreePort()}", "--join", "127.0.0.1:1"],
            new Dictionary<string, string> { ["CAIRN_CLUSTER_SECRET"] = LocalClusterProcesses.Secret });
        asCluster.Launch();
        Assert.Equal(1, await asCluster.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("cairn server: The data directory", asCluster.Log);
        Assert.Contains("single node's store", asCluster.Log);
        Assert.DoesNotContain("   at ", asCluster.Log);
        Assert.False(Directory.Exists(Path.Combine(folder, "meta")), "the refused cluster node wrote its store beside the single node's");
    }
}
