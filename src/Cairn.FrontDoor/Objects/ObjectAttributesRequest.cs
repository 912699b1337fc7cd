using System.Globalization;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Routing;

namespace Cairn.FrontDoor.Objects;

/// <summary>The attributes GetObjectAttributes can be asked for in x-amz-object-attributes.</summary>
[Flags]
public enum ObjectAttribute
{
    None = 0,
    ETag = 1,
    Checksum = 2,
    ObjectParts = 4,
    StorageClass = 8,
    ObjectSize = 16,
}

/// <summary>
/// What a GetObjectAttributes request asks for: the attributes (x-amz-object-attributes, a comma-separated list, possibly
/// in several headers) and the page of parts (x-amz-part-number-marker, x-amz-max-parts).
/// </summary>
public sealed record ObjectAttributesRequest(ObjectAttribute Attributes, int PartNumberMarker, int MaxParts)
{
    public const int DefaultMaxParts = 1000;
    private const string AttributesHeader = "x-amz-object-attributes";

    public bool Wants(ObjectAttribute attribute) => (Attributes & attribute) != 0;

    public static ObjectAttributesRequest Parse(S3Request s3)
    {
        var attributes = ObjectAttribute.None;
        foreach (var value in s3.Request.Headers[AttributesHeader])
            foreach (var name in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                attributes |= Attribute(name);
        if (attributes == ObjectAttribute.None)
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
        return new ObjectAttributesRequest(attributes, ParseMarker(s3.Header("x-amz-part-number-marker")), ParseMaxParts(s3.Header("x-amz-max-parts")));
    }

    /// <summary>Names are case-sensitive, as S3 reads them; S3 answers an unknown one with these words.</summary>
    private static ObjectAttribute Attribute(string name) => name switch
    {
        "ETag" => ObjectAttribute.ETag,
        "Checksum" => ObjectAttribute.Checksum,
        "ObjectParts" => ObjectAttribute.ObjectParts,
        "StorageClass" => ObjectAttribute.StorageClass,
        "ObjectSize" => ObjectAttribute.ObjectSize,
        _ => throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid attribute name specified.")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = AttributesHeader, ["ArgumentValue"] = name },
        },
    };

    /// <summary>S3 ignores a max-parts that is not a non-negative integer, and lists at most 1,000 parts.</summary>
    private static int ParseMaxParts(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Min(n, DefaultMaxParts) : DefaultMaxParts;

    /// <summary>A marker that is not a part number is refused, as ListParts refuses its part-number-marker.</summary>
    private static int ParseMarker(string? text)
    {
        if (text is null) return 0;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        throw new S3Exception(S3ErrorCode.InvalidArgument, "Argument part-number-marker must be an integer between 0 and 2147483647")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-part-number-marker", ["ArgumentValue"] = text },
        };
    }
}
