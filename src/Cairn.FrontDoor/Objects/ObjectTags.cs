using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// A tag set as S3 defines it, for objects and for buckets: read from the x-amz-tagging header or a Tagging
/// document, checked against S3's limits, and written back as a Tagging document.
/// </summary>
public static class ObjectTags
{
    public const string Header = "x-amz-tagging";
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;
    private const string ReservedPrefix = "aws:";

    /// <summary>The tags of x-amz-tagging ("k1=v1&amp;k2=v2", URL-query-encoded); none when the header is absent.</summary>
    public static Dictionary<string, string> FromHeader(HttpRequest request)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Headers[Header].ToString().Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            // A name without "=" holds the empty value; a second "=" is not a query parameter at all.
            var parts = pair.Split('=');
            if (parts.Length > 2 || !tags.TryAdd(Decode(parts[0]), parts.Length == 2 ? Decode(parts[1]) : "")) throw HeaderNotQuery();
        }
        return Validated(tags, TagLimit.Object);
    }

    /// <summary>The tags of a PutObjectTagging (or, with <see cref="TagLimit.Bucket"/>, PutBucketTagging) body: &lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;&lt;/Tag&gt;…&lt;/TagSet&gt;&lt;/Tagging&gt;.</summary>
    public static Dictionary<string, string> FromXml(XDocument document, TagLimit? limit = null)
    {
        var root = document.Root;
        var tagSet = root?.Name.LocalName == "Tagging" ? root.Child("TagSet") : null;
        if (tagSet is null) throw new S3Exception(S3ErrorCode.MalformedXML);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tagSet.Elements())
        {
            var key = tag.Child("Key")?.Value;
            var value = tag.Child("Value")?.Value;
            if (tag.Name.LocalName != "Tag" || key is null || value is null) throw new S3Exception(S3ErrorCode.MalformedXML);
            if (!tags.TryAdd(key, value)) throw new S3Exception(S3ErrorCode.InvalidTag, "Cannot provide multiple Tags with the same key");
        }
        return Validated(tags, limit ?? TagLimit.Object);
    }

    /// <summary>GetObjectTagging's answer; tags in key order, as S3 lists them.</summary>
    public static S3Xml ToXml(IReadOnlyDictionary<string, string> tags)
    {
        var xml = new S3Xml("Tagging");
        xml.Open("TagSet");
        foreach (var (key, value) in tags.OrderBy(t => t.Key, StringComparer.Ordinal))
            xml.Open("Tag").Element("Key", key).Element("Value", value).Close();
        xml.Close();
        return xml;
    }

    /// <summary>
    /// S3's limits: at most 10 tags on an object, 50 on a bucket; keys 1–128 and values 0–256 UTF-16 code units ("Amazon S3 object tags are
    /// internally represented in UTF-16"); Unicode letters, numbers, spaces and _ . : / = + - @ only; no "aws:" keys.
    /// </summary>
    private static Dictionary<string, string> Validated(Dictionary<string, string> tags, TagLimit limit)
    {
        if (tags.Count > limit.MaxTags) throw new S3Exception(S3ErrorCode.BadRequest, limit.TooMany);
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > MaxKeyLength || !AllowedText(key))
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagKey you have provided is invalid");
            if (value.Length > MaxValueLength || !AllowedText(value))
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagValue you have provided is invalid");
            if (key.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
                throw new S3Exception(S3ErrorCode.InvalidTag, "Your TagKey cannot be prefixed with aws:");
        }
        return tags;
    }

    private static bool AllowedText(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var allowed = Rune.GetUnicodeCategory(rune) switch
            {
                >= UnicodeCategory.UppercaseLetter and <= UnicodeCategory.OtherLetter => true,
                >= UnicodeCategory.DecimalDigitNumber and <= UnicodeCategory.OtherNumber => true,
                >= UnicodeCategory.SpaceSeparator and <= UnicodeCategory.ParagraphSeparator => true,
                _ => rune.IsAscii && "_.:/=+-@".Contains((char)rune.Value),
            };
            if (!allowed) return false;
        }
        return true;
    }

    /// <summary>Form decoding, as a URL query is decoded: "+" is a space, then percent-escapes.</summary>
    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static S3Exception HeaderNotQuery() => new(S3ErrorCode.InvalidArgument,
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
    {
        Details = new Dictionary<string, string> { ["ArgumentName"] = Header },
    };

}

/// <summary>How many tags a resource may carry, and S3's refusal past that.</summary>
public sealed record TagLimit(int MaxTags, string TooMany)
{
    public static readonly TagLimit Object = new(10, "Object tags cannot be greater than 10");
    public static readonly TagLimit Bucket = new(50, "Bucket tag count cannot be greater than 50");
}
