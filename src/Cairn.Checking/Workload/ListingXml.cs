using System.Xml.Linq;

namespace Cairn.Checking.Workload;

/// <summary>Reads a ListObjectsV2 answer: each listed key with its ETag.</summary>
public static class ListingXml
{
    /// <returns>The listed keys and ETags, or null when the page is truncated (then it is not a complete listing).</returns>
    public static IReadOnlyDictionary<string, string>? Parse(string body)
    {
        var root = XDocument.Parse(body).Root ?? throw new FormatException("empty ListObjectsV2 answer");
        var ns = root.Name.Namespace;
        if (string.Equals(root.Element(ns + "IsTruncated")?.Value, "true", StringComparison.OrdinalIgnoreCase)) return null;
        return root.Elements(ns + "Contents").ToDictionary(
            c => c.Element(ns + "Key")?.Value ?? throw new FormatException("a listed object without a Key"),
            c => c.Element(ns + "ETag")?.Value ?? "",
            StringComparer.Ordinal);
    }
}
