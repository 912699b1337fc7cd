using Cairn.Data.Drives;

namespace Cairn.Workers;

/// <summary>Which drives repair and spread-back must not count on, neither as survivors nor as targets.</summary>
public interface IDriveAvailability
{
    IReadOnlySet<string> Unavailable();
}

/// <summary>A node alone: a drive is unavailable when it was offline when last seen.</summary>
public sealed class DriveStatsAvailability(IReadOnlyDictionary<string, IFragmentStore> drives) : IDriveAvailability
{
    public IReadOnlySet<string> Unavailable() =>
        drives.Values.Where(d => !d.Stats().Online).Select(d => d.DriveId).ToHashSet(StringComparer.Ordinal);
}
