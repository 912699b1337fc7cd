using System.Text.Json;

namespace Cairn.Node;

/// <summary>Which store a data directory holds: a node alone (its index under <c>index/</c>) or a cluster node's (<c>meta/</c>, <c>ranges/</c>).</summary>
public enum DataDirectoryLayout
{
    Single,
    Cluster,
}

/// <summary>
/// The data directory's own record of what it holds, <c>format.json</c> at its root: the format, the layout and the
/// release that wrote it. A node refuses, with a message saying why, a directory in a format newer than it reads
/// (written by a later release: an upgrade rolled back) or of the other layout (a single node's store started with
/// cluster flags, or the reverse: its data would be ignored, not converted). A directory from before the record is
/// recognised by its folders and gets one.
/// </summary>
public sealed record DataDirectoryFormat(int Format, DataDirectoryLayout Layout, string WrittenBy)
{
    /// <summary>The format this release reads and writes.</summary>
    public const int Current = 1;

    public const string FileName = "format.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    /// <summary>Checks the directory can be opened as <paramref name="layout"/> by this release, recording it if new; throws <see cref="DataDirectoryRefused"/> if not.</summary>
    public static DataDirectoryFormat Open(string dataPath, DataDirectoryLayout layout, string release)
    {
        var file = Path.Combine(dataPath, FileName);
        var found = File.Exists(file) ? Read(file) : Recognise(dataPath);
        if (found is not null)
        {
            if (found.Format > Current)
                throw new DataDirectoryRefused($"The data directory {dataPath} is in format {found.Format}, written by cairn {found.WrittenBy}; "
                    + $"this cairn ({release}) reads format {Current}. Run a release that reads it.");
            if (found.Layout != layout)
                throw new DataDirectoryRefused(found.Layout == DataDirectoryLayout.Single
                    ? $"The data directory {dataPath} holds a single node's store; a cluster node cannot start on it (its objects would be "
                      + "ignored, not converted). Start it without cluster flags, or give the cluster node an empty directory."
                    : $"The data directory {dataPath} holds a cluster node's store; it cannot start as a node alone. Start it with its cluster flags.");
            if (File.Exists(file)) return found;
        }
        var record = found ?? new DataDirectoryFormat(Current, layout, release);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record, Json));
        File.Move(temporary, file, overwrite: true);
        return record;
    }

    private static DataDirectoryFormat Read(string file)
    {
        try
        {
            return JsonSerializer.Deserialize<DataDirectoryFormat>(File.ReadAllText(file), Json)
                ?? throw new DataDirectoryRefused($"{file} is empty.");
        }
        catch (JsonException e)
        {
            throw new DataDirectoryRefused($"{file} is not a data directory record this cairn understands: {e.Message}");
        }
    }

    /// <summary>A directory from before the record: its folders tell its layout; an empty one is new (null).</summary>
    private static DataDirectoryFormat? Recognise(string dataPath) =>
        Directory.Exists(Path.Combine(dataPath, "meta")) || Directory.Exists(Path.Combine(dataPath, "ranges"))
            ? new DataDirectoryFormat(Current, DataDirectoryLayout.Cluster, "an earlier release")
            : Directory.Exists(Path.Combine(dataPath, "index"))
                ? new DataDirectoryFormat(Current, DataDirectoryLayout.Single, "an earlier release")
                : null;
}

/// <summary>A data directory this node will not open; the message says why and what to do.</summary>
public sealed class DataDirectoryRefused(string message) : ArgumentException(message);
