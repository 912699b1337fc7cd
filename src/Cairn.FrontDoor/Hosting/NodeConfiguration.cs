using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Data.Blobs;
using Cairn.Placement;

namespace Cairn.FrontDoor.Hosting;

/// <summary>One drive of this node: a directory, its failure-domain path and its weight.</summary>
public sealed record DriveConfiguration
{
    /// <summary>Stable id recorded in every blob layout; defaults to d0, d1, … in configuration order.</summary>
    public string? Id { get; init; }
    public required string Path { get; init; }

    /// <summary>zone/rack/node/drive; defaults to one node whose drives are the domains.</summary>
    public string? Domain { get; init; }
    public double Weight { get; init; } = 1.0;
}

/// <summary>
/// The node's drives and how blobs are protected across them, from --drives/--ec/--protection-level
/// or a JSON file (--config): {"drives":[{"path":…,"domain":"z1/r1/n1/d1","weight":1}],"ec":"4+2","protectionLevel":"drive"}.
/// </summary>
public sealed record NodeConfiguration
{
    public static readonly string[] Levels = ["zone", "rack", "node", "drive"];

    public required IReadOnlyList<DriveConfiguration> Drives { get; init; }

    /// <summary>"K+M"; null picks a default from the drive count.</summary>
    public string? Ec { get; init; }

    /// <summary>The failure-domain level no more than m fragments of a stripe may share: zone, rack, node or drive.</summary>
    public string ProtectionLevel { get; init; } = "drive";

    public ErasureSettings Erasure => Ec is null ? ErasureSettings.ForDrives(Drives.Count) : ErasureSettings.Parse(Ec);

    public int ProtectionLevelIndex =>
        Array.IndexOf(Levels, ProtectionLevel) is var i and >= 0 ? i : throw new ArgumentException($"Unknown protection level '{ProtectionLevel}': use zone, rack, node or drive.");

    public IReadOnlyList<DriveEntry> PlacementMap() =>
        Drives.Select((d, i) => new DriveEntry(DriveId(i), d.Domain ?? $"zone/rack/node/{DriveId(i)}", d.Weight)).ToArray();

    public string DriveId(int index) => Drives[index].Id ?? $"d{index}";

    public static NodeConfiguration SingleDrive(string dataPath) =>
        new() { Drives = [new DriveConfiguration { Path = System.IO.Path.Combine(dataPath, "drives", "d0") }] };

    public static NodeConfiguration FromPaths(IEnumerable<string> paths, string? ec, string protectionLevel) =>
        new() { Drives = paths.Select(p => new DriveConfiguration { Path = p }).ToArray(), Ec = ec, ProtectionLevel = protectionLevel };

    public static NodeConfiguration Load(string file) =>
        JsonSerializer.Deserialize<NodeConfiguration>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web) { NumberHandling = JsonNumberHandling.AllowReadingFromString })
        ?? throw new ArgumentException($"{file} holds no configuration.");

    /// <summary>Fails at start, not at the first PUT, when the code cannot be placed on these drives.</summary>
    public void Validate()
    {
        if (Drives.Count == 0) throw new ArgumentException("At least one drive is needed.");
        var placement = new RendezvousPlacement(PlacementMap(), ProtectionLevelIndex);
        var code = Erasure;
        placement.Place("startup-check", code.DataFragments, code.ParityFragments);
    }
}
