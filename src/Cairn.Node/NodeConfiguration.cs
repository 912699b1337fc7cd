using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Core.StorageClasses;
using Cairn.Data.Blobs;
using Cairn.Placement;

namespace Cairn.Node;

/// <summary>One drive of this node: a directory, its failure-domain path and its weight.</summary>
public sealed record DriveConfiguration
{
    /// <summary>Stable id recorded in every blob layout; defaults to d0, d1, … in configuration order.</summary>
    public string? Id { get; init; }
    public required string Path { get; init; }

    /// <summary>zone/rack/node/drive; defaults to one node whose drives are the domains.</summary>
    public string? Domain { get; init; }
    public double Weight { get; init; } = 1.0;

    /// <summary>hot, warm or cold: which storage classes' blobs this drive holds (see <see cref="StorageClass.Tier"/>).</summary>
    public string Tier { get; init; } = "hot";
}

/// <summary>A drive placement may pick, with the tier whose storage classes it holds.</summary>
public sealed record PlacedDrive(DriveEntry Entry, string Tier);

/// <summary>An operator's changes to one storage class's defaults; absent fields keep them.</summary>
public sealed record StorageClassOverride
{
    public required string Name { get; init; }
    public decimal? PricePerGibMonth { get; init; }
    public double? MinimumDays { get; init; }
    public long? MinimumBillableBytes { get; init; }
    public string? Tier { get; init; }
    public string? Ec { get; init; }
    public Dictionary<string, double>? RestoreDays { get; init; }

    public StorageClass ApplyTo(StorageClass c) => c with
    {
        PricePerGibMonth = PricePerGibMonth ?? c.PricePerGibMonth,
        MinimumDays = MinimumDays ?? c.MinimumDays,
        MinimumBillableBytes = MinimumBillableBytes ?? c.MinimumBillableBytes,
        Tier = Tier ?? c.Tier,
        Ec = Ec ?? c.Ec,
        RestoreDays = RestoreDays ?? c.RestoreDays,
    };
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

    /// <summary>Changes to the storage classes' defaults: prices, minimum durations, tiers, codes, restore delays.</summary>
    public IReadOnlyList<StorageClassOverride> StorageClasses { get; init; } = [];

    public StorageClassTable StorageClassTable()
    {
        foreach (var o in StorageClasses)
            if (!Core.StorageClasses.StorageClassTable.Default.IsKnown(o.Name)) throw new ArgumentException($"Unknown storage class '{o.Name}'.");
        return new(StorageClasses.Select(o => o.ApplyTo(Core.StorageClasses.StorageClassTable.Default[o.Name])));
    }

    /// <summary>
    /// Each storage class's medium: the drives of its tier (all drives when the tier has none) with
    /// its own code, else the node's code when it fits those drives, else a default for their count.
    /// </summary>
    public StorageMedia Media(StorageClassTable classes)
    {
        var entries = PlacementMap();
        return Media(classes, Drives.Select((d, i) => new PlacedDrive(entries[i], d.Tier)).ToArray(), Erasure, ProtectionLevelIndex);
    }

    /// <summary>
    /// The same over any drives (a cluster's, from its map), with the code and protection level given. With
    /// <paramref name="placementOf"/> (a tier, or null for every drive) placement follows drives that come later.
    /// </summary>
    public static StorageMedia Media(StorageClassTable classes, IReadOnlyList<PlacedDrive> drives, ErasureSettings code, int protectionLevel,
        Func<string?, IPlacement>? placementOf = null)
    {
        var all = drives.Select(d => d.Entry).ToArray();
        var defaultMedium = new BlobMedium("default", code, placementOf?.Invoke(null) ?? new RendezvousPlacement(all, protectionLevel));
        var byClass = new Dictionary<string, BlobMedium>(StringComparer.Ordinal);
        foreach (var c in classes.All)
        {
            var tierDrives = drives.Where(d => d.Tier == c.Tier).Select(d => d.Entry).ToArray();
            if (tierDrives.Length == 0 || tierDrives.Length == all.Length)
            {
                if (c.Ec is not null) byClass[c.Name] = defaultMedium with { Name = c.Name, Code = ErasureSettings.Parse(c.Ec) };
                continue;
            }
            var classCode = c.Ec is not null ? ErasureSettings.Parse(c.Ec)
                : code.DataFragments + code.ParityFragments <= tierDrives.Length ? code : ErasureSettings.ForDrives(tierDrives.Length);
            byClass[c.Name] = new BlobMedium(c.Name, classCode, placementOf?.Invoke(c.Tier) ?? new RendezvousPlacement(tierDrives, protectionLevel));
        }
        return new StorageMedia(defaultMedium, byClass);
    }

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
        Validate(Media(StorageClassTable()), ProtectionLevel);
    }

    /// <summary>Fails at start when some storage class's code cannot be placed on its drives.</summary>
    public static void Validate(StorageMedia media, string protectionLevel)
    {
        foreach (var medium in media.ByStorageClass.Values.Prepend(media.Default))
        {
            try
            {
                medium.Placement.Place("startup-check", medium.Code.DataFragments, medium.Code.ParityFragments);
            }
            catch (PlacementException)
            {
                throw new ArgumentException(
                    $"The drives cannot hold {medium.Code} for {medium.Name}: it needs {medium.Code.DataFragments + medium.Code.ParityFragments} drives with at most "
                    + $"{medium.Code.ParityFragments} fragments of a stripe in one {protectionLevel}. Add {protectionLevel}s or drives, or choose another --ec or --protection-level.");
            }
        }
    }
}
