using System.Globalization;
using Cairn.Core.StorageClasses;

namespace Cairn.WebConsole.S3;

/// <summary>One rung of the storage-class ladder as the object page shows it.</summary>
public sealed record LadderRung(string Name, string Retrieval, string MinimumDuration, bool Current);

/// <summary>
/// The ladder an object's storage class sits on, hot to cold (STANDARD → STANDARD_IA → GLACIER_IR → GLACIER →
/// DEEP_ARCHIVE), from the node's configured classes: how long a read waits and how long a class holds the bytes
/// (billed on early delete or transition).
/// </summary>
public sealed class StorageLadder(StorageClassTable classes)
{
    private static readonly string[] Rungs = ["STANDARD", "STANDARD_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"];

    public IReadOnlyList<LadderRung> For(string? storageClass)
    {
        var current = string.IsNullOrEmpty(storageClass) ? StorageClassTable.Standard : storageClass;
        var names = Rungs.ToList();
        // A class off the main ladder (ONEZONE_IA, INTELLIGENT_TIERING) is shown in place of its rank's rung.
        if (!names.Contains(current) && classes.IsKnown(current))
            names[Math.Clamp(classes[current].Rank, 0, names.Count - 1)] = current;
        return names.Select(name => Rung(classes[name], name == current)).ToArray();
    }

    private static LadderRung Rung(StorageClass c, bool current) => new(
        c.Name,
        c.NeedsRestore
            ? "restore first: " + string.Join(", ", c.RestoreDays.Select(t => $"{t.Key} {Duration(t.Value)}"))
            : "milliseconds",
        c.MinimumDays > 0 ? $"{c.MinimumDays.ToString("0", CultureInfo.InvariantCulture)} days minimum" : "no minimum",
        current);

    private static string Duration(double days) => days switch
    {
        >= 1 => $"{days.ToString("0.#", CultureInfo.InvariantCulture)} d",
        >= 1.0 / 24 => $"{(days * 24).ToString("0.#", CultureInfo.InvariantCulture)} h",
        _ => $"{(days * 24 * 60).ToString("0", CultureInfo.InvariantCulture)} min",
    };
}
