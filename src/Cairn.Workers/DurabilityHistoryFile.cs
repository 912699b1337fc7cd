using System.Text.Json;

namespace Cairn.Workers;

/// <summary>
/// The durability history on disk (<c>durability-history.json</c> in the data directory), so the chart survives a restart.
/// Each save writes a temporary file and renames it over the old one: a process killed mid-save leaves the previous file
/// whole, never a torn one. Not fsync'd: a chart can lose its last minute to a power cut, not its shape.
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
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(samples, JsonSerializerOptions.Web));
        File.Move(temporary, Path, overwrite: true);
    }
}
