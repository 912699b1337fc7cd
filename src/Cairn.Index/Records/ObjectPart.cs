namespace Cairn.Index.Records;

/// <summary>
/// One part a multipart object was completed from, as GetObjectAttributes and partNumber reads see it: its number,
/// size and checksums, without the layout of its bytes.
/// </summary>
public sealed record ObjectPart
{
    public required int PartNumber { get; init; }
    public required long Size { get; init; }
    public Dictionary<string, string> Checksums { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public static ObjectPart Of(PartRecord part) => new() { PartNumber = part.PartNumber, Size = part.Size, Checksums = part.Checksums };
}
