using Cairn.Index.Shards;

namespace Cairn.Index.Tests;

/// <summary>The RocksDB store's table options, as RocksDB itself records them in the store's OPTIONS file.</summary>
public sealed class IndexStoreTests : IDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), "cairn-store-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Table_files_carry_a_Bloom_filter_and_a_reopened_store_reads_as_before()
    {
        using (var store = IndexStore.Open(path))
        {
            var layer = store.NewLayer();
            layer.Put("Bpresent"u8.ToArray(), [1]);
            store.Write(layer);
        }
        // RocksDB writes the options it runs with on every open: the newest file is the one in force.
        var options = File.ReadAllText(Directory.GetFiles(path, "OPTIONS-*").Order(StringComparer.Ordinal).Last());
        Assert.Contains("filter_policy=bloomfilter", options, StringComparison.Ordinal);
        Assert.Contains("whole_key_filtering=true", options, StringComparison.Ordinal);

        // Reopened (recovery flushes the log into a table file), a present row is found and an absent one is not.
        using var reopened = IndexStore.Open(path);
        Assert.Equal([1], reopened.Get("Bpresent"u8.ToArray()));
        Assert.Null(reopened.Get("Babsent"u8.ToArray()));
    }

    public void Dispose() => Directory.Delete(path, recursive: true);
}
