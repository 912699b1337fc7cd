using System.Text.Json.Serialization;

namespace Cairn.Core.Blobs;

/// <summary>
/// Where an immutable blob's bytes live: its id, length and the drive holding each fragment slot.
/// The data plane produces it on write and is handed it back on read; the index stores it opaquely.
/// </summary>
public sealed record BlobLayout
{
    public required string BlobId { get; init; }
    public required long Length { get; init; }

    /// <summary>Data fragments (k) and parity fragments (m); 1+0 is a plain, unprotected blob.</summary>
    public int DataFragments { get; init; } = 1;
    public int ParityFragments { get; init; }

    /// <summary>Bytes of object data per checksummed block inside a fragment file.</summary>
    public int BlockSize { get; init; }

    /// <summary>Object bytes per stripe (k shards of StripeSize/k bytes); 0 for a plain 1+0 blob.</summary>
    public int StripeSize { get; init; }

    /// <summary>Drive id for each fragment slot, in slot order.</summary>
    public required IReadOnlyList<string> Drives { get; init; }

    /// <summary>Slots that could not be written (their drive was down): repair rebuilds them.</summary>
    public IReadOnlyList<int> MissingSlots { get; init; } = [];

    [JsonIgnore]
    public int TotalFragments => DataFragments + ParityFragments;

    [JsonIgnore]
    public bool IsStriped => TotalFragments > 1;

    /// <summary>Bytes of one stripe's shard in every fragment (the last stripe's are shorter).</summary>
    [JsonIgnore]
    public int ShardSize => StripeSize / DataFragments;

    [JsonIgnore]
    public long StripeCount => Length == 0 || StripeSize == 0 ? 0 : (Length + StripeSize - 1) / StripeSize;

    /// <summary>Object bytes in stripe s.</summary>
    public int StripeLength(long stripe) => (int)Math.Min(StripeSize, Length - stripe * StripeSize);

    /// <summary>Shard length of stripe s: its bytes split over k shards, the last padded with zeros.</summary>
    public int ShardLength(long stripe) => (StripeLength(stripe) + DataFragments - 1) / DataFragments;

    /// <summary>Data bytes every fragment file of this blob holds.</summary>
    [JsonIgnore]
    public long FragmentLength => StripeCount == 0 ? 0 : (StripeCount - 1) * ShardSize + ShardLength(StripeCount - 1);
}
