using System.Text.Json;
using Cairn.Core.IO;

namespace Cairn.Workers;

/// <summary>
/// The durability history on disk (<c>durability-history.json</c> in the data directory), so the chart survives a restart.
/// Each save writes a temporary file, flushes it to disk and renames it over the old one, then syncs the directory: a
/// process killed or a machine losing power mid-save leaves the previous file whole, never a torn or empty one. One save a
/// minute, so the fsyncs cost nothing that matters.
/// </summary>
public sealed class DurabilityHistoryFile(string path)
{
    public string Path { get; } = path;

    /// <summary>The samples saved, oldest first; none when there is no file yet or it cannot be read (it is only a chart).</summary>
    public IReadOnlyList<DurabilitySample> Load()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<DurabilitySample[]>(File.ReadAllBytes(Path), JsonSerializerOptions.Web) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public void Save(IReadOnlyList<DurabilitySample> samples)
    {
        var temporary = Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(JsonSerializer.SerializeToUtf8Bytes(samples, JsonSerializerOptions.Web));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
        DirectorySync.Sync(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
    }
}
