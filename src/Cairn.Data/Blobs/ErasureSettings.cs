namespace Cairn.Data.Blobs;

/// <summary>How new blobs are coded: k data + m parity fragments, shards of ShardSize bytes per stripe.</summary>
public sealed record ErasureSettings(int DataFragments, int ParityFragments, int ShardSize = 256 * 1024)
{
    public static readonly ErasureSettings Plain = new(1, 0);

    public int StripeSize => DataFragments * ShardSize;

    public bool IsStriped => DataFragments + ParityFragments > 1;

    public override string ToString() => $"{DataFragments}+{ParityFragments}";

    /// <summary>Parses "K+M".</summary>
    public static ErasureSettings Parse(string text)
    {
        var parts = text.Split('+');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var k) || !int.TryParse(parts[1], out var m) || k < 1 || m < 0 || k + m > 24 || k > 16 || m > 8)
            throw new ArgumentException($"'{text}' is not a code: expected K+M with 1 ≤ K ≤ 16, 0 ≤ M ≤ 8, K+M ≤ 24.");
        return new ErasureSettings(k, m);
    }

    /// <summary>The default code for a number of drives: about a third parity, as much data as fits.</summary>
    public static ErasureSettings ForDrives(int drives) => drives switch
    {
        <= 1 => Plain,
        2 => new(1, 1),
        3 => new(2, 1),
        4 => new(2, 2),
        5 => new(3, 2),
        6 => new(4, 2),
        7 => new(5, 2),
        8 => new(6, 2),
        < 12 => new(drives - 3, 3),
        < 16 => new(drives - 4, 4),
        _ => new(12, 4),
    };
}
