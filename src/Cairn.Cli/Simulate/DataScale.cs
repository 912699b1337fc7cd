using System.Globalization;
using Cairn.Cli.Bench;
using Cairn.FrontDoor;

namespace Cairn.Cli.Simulate;

/// <summary>One size class of a mix of objects: objects of <paramref name="Bytes"/> bytes, <paramref name="Share"/> of them (a weight).</summary>
public sealed record ObjectClass(long Bytes, double Share);

/// <summary>
/// The sizes of the stored objects, as weighted classes ("4KiB:50,256KiB:25,4MiB:15,64MiB:10": half of the objects
/// are 4 KiB, …). Objects up to the inline threshold live in their index record, not on drives.
/// </summary>
public sealed record ObjectMix(IReadOnlyList<ObjectClass> Classes)
{
    public const string DefaultText = "4KiB:50,256KiB:25,4MiB:15,64MiB:10";

    public static ObjectMix Default { get; } = Parse(DefaultText);

    private double TotalShare => Classes.Sum(c => c.Share);

    /// <summary>Fraction of objects in each class (shares normalised).</summary>
    public IEnumerable<(long Bytes, double Fraction)> Fractions => Classes.Select(c => (c.Bytes, c.Share / TotalShare));

    public double MeanBytes => Fractions.Sum(c => c.Bytes * c.Fraction);

    /// <summary>Fraction of objects larger than <paramref name="inlineThreshold"/>: those stored as an erasure-coded blob.</summary>
    public double BlobFraction(long inlineThreshold) => Fractions.Where(c => c.Bytes > inlineThreshold).Sum(c => c.Fraction);

    /// <summary>Mean bytes per object that go to blobs (inline objects count 0).</summary>
    public double MeanBlobBytesPerObject(long inlineThreshold) => Fractions.Where(c => c.Bytes > inlineThreshold).Sum(c => c.Bytes * c.Fraction);

    public override string ToString() => string.Join(",", Classes.Select(c => string.Create(CultureInfo.InvariantCulture, $"{ByteSize.Format(c.Bytes)}:{c.Share:G}")));

    public static ObjectMix Parse(string text) => TryParse(text, out var mix, out var error) ? mix : throw new FormatException(error);

    public static bool TryParse(string? text, out ObjectMix mix, out string error)
    {
        mix = null!;
        error = $"'{text}' is not a mix of SIZE:SHARE pairs, e.g. {DefaultText}";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var classes = new List<ObjectClass>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split(':');
            if (pair.Length != 2 || !ByteSize.TryParse(pair[0], out var bytes, out _) || bytes <= 0
                || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var share) || !(share > 0) || !double.IsFinite(share))
                return false;
            classes.Add(new ObjectClass(bytes, share));
        }
        if (classes.Count == 0) return false;
        mix = new ObjectMix(classes);
        return true;
    }
}

/// <summary>
/// How much a cluster stores: <see cref="Objects"/> objects of the <see cref="Mix"/>, the ones above the inline threshold as
/// blobs coded k+m (one blob per object: multipart parts, each its own blob, are not modelled).
/// </summary>
public sealed record DataScale(long Objects, ObjectMix Mix, int DataFragments, int ParityFragments)
{
    /// <summary>Objects up to this size live inline in the index (the front door's default).</summary>
    public long InlineThreshold { get; init; } = new FrontDoorOptions { AccessKey = "-", SecretKey = "-" }.InlineThreshold;

    public double Blobs => Objects * Mix.BlobFraction(InlineThreshold);
    public double InlineObjects => Objects - Blobs;
    public double LogicalBytes => Objects * Mix.MeanBytes;

    /// <summary>Object bytes held in blobs (not inline).</summary>
    public double BlobBytes => Objects * Mix.MeanBlobBytesPerObject(InlineThreshold);

    /// <summary>Bytes on drives: blob bytes times (k+m)/k.</summary>
    public double RawBytes => BlobBytes * (DataFragments + ParityFragments) / DataFragments;
}
