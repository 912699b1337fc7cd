using Cairn.Data.Drives;

namespace Cairn.Workers;

/// <summary>Which drives repair and the mover must not count on, neither as survivors nor as targets; and which are being emptied.</summary>
public interface IDriveAvailability
{
    IReadOnlySet<string> Unavailable();

    /// <summary>Drives being emptied (the map says draining, for the drive or its node): still read from, never written to.</summary>
    IReadOnlySet<string> Draining();
}

/// <summary>A node alone: a drive is unavailable when it was offline when last seen; none drains.</summary>
public sealed class DriveStatsAvailability(IReadOnlyDictionary<string, IFragmentStore> drives) : IDriveAvailability
{
    public IReadOnlySet<string> Unavailable() =>
        drives.Values.Where(d => !d.Stats().Online).Select(d => d.DriveId).ToHashSet(StringComparer.Ordinal);

    public IReadOnlySet<string> Draining() => new HashSet<string>(StringComparer.Ordinal);
}
