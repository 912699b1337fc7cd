using System.Globalization;
using System.Text;
using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>Moves object metadata between HTTP headers and the version record, both ways.</summary>
public static class ObjectHeaders
{
    private const string MetaPrefix = "x-amz-meta-";

    /// <summary>Where a website endpoint redirects a request for the object (301), stored and returned as a header.</summary>
    public const string WebsiteRedirectLocation = "x-amz-website-redirect-location";

    /// <summary>Standard headers S3 stores with the object and returns on GET/HEAD.</summary>
    public static readonly string[] Stored = ["Content-Encoding", "Content-Disposition", "Cache-Control", "Expires", "Content-Language", WebsiteRedirectLocation];

    public static Dictionary<string, string> UserMetadata(HttpRequest request) => UserMetadata(request.Headers);

    /// <summary>S3's limit on user metadata: the UTF-8 bytes of every key (after x-amz-meta-) and value, summed.</summary>
    public const int MaxUserMetadataBytes = 2 * 1024;

    /// <summary>
    /// x-amz-meta-* from headers, or from a POST form's fields of the same names; more than <see cref="MaxUserMetadataBytes"/>
    /// is refused with 400 MetadataTooLarge.
    /// </summary>
    public static Dictionary<string, string> UserMetadata(IHeaderDictionary fields)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var bytes = 0;
        foreach (var (name, value) in fields)
            if (name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = name[MetaPrefix.Length..].ToLowerInvariant();
                var text = value.ToString();
                meta[key] = text;
                bytes += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(text);
            }
        if (bytes > MaxUserMetadataBytes) throw new S3Exception(S3ErrorCode.MetadataTooLarge);
        return meta;
    }

    public static Dictionary<string, string> StoredHeaders(HttpRequest request) => StoredHeaders(request.Headers);

    /// <summary>The stored standard headers, or a POST form's fields of the same names.</summary>
    public static Dictionary<string, string> StoredHeaders(IHeaderDictionary fields)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Stored)
        {
            var value = fields[name].ToString();
            if (name == "Content-Encoding" && IsAwsChunked(fields)) value = StripAwsChunked(value);
            if (value.Length == 0) continue;
            RequireSendable(name, value);
            headers[name] = value;
        }
        CheckRedirectLocation(headers);
        return headers;
    }

    /// <summary>A body sent in aws-chunked framing (the STREAMING-* payload modes).</summary>
    public static bool IsAwsChunked(HttpRequest request) => IsAwsChunked(request.Headers);

    private static bool IsAwsChunked(IHeaderDictionary headers) =>
        headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal);

    /// <summary>
    /// aws-chunked describes the transfer, not the object: S3 stores the header without that coding, and
    /// nothing when it was the only one. The other codings stay byte for byte as sent (spacing included).
    /// </summary>
    internal static string StripAwsChunked(string encoding)
    {
        var kept = encoding.Split(',').Where(e => !e.Trim().Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)).ToList();
        return kept.Count == 0 ? "" : string.Join(",", kept).Trim();
    }

    /// <summary>
    /// CopyObject's headers when it keeps the source's metadata: the source's, but the website redirect location is the
    /// copy request's own, as in S3 (a redirect is never copied).
    /// </summary>
    public static Dictionary<string, string> CopiedHeaders(IReadOnlyDictionary<string, string> source, HttpRequest request)
    {
        var headers = new Dictionary<string, string>(source, StringComparer.OrdinalIgnoreCase);
        headers.Remove(WebsiteRedirectLocation);
        if (StoredHeaders(request).TryGetValue(WebsiteRedirectLocation, out var location)) headers[WebsiteRedirectLocation] = location;
        return headers;
    }

    /// <summary>A redirect goes to an absolute http(s) URL or a key of the same bucket (a path): anything else is InvalidRedirectLocation.</summary>
    private static void CheckRedirectLocation(Dictionary<string, string> headers)
    {
        if (!headers.TryGetValue(WebsiteRedirectLocation, out var location)) return;
        if (!location.StartsWith('/') && !location.StartsWith("http://", StringComparison.Ordinal) && !location.StartsWith("https://", StringComparison.Ordinal))
            throw new S3Exception(S3ErrorCode.InvalidRedirectLocation);
        if (location.Length > 2048)
            throw new S3Exception(S3ErrorCode.InvalidRedirectLocation, "The length of website redirect location cannot exceed 2,048 characters.");
    }

    public static void WriteObjectHeaders(HttpResponse response, VersionRecord version)
    {
        var h = response.Headers;
        h.ETag = version.ETag;
        h.LastModified = version.LastModified.ToString("R", CultureInfo.InvariantCulture);
        h.ContentType = version.ContentType ?? "binary/octet-stream";
        h.AcceptRanges = "bytes";
        if (version.VersionId != "null") h["x-amz-version-id"] = version.VersionId;
        if (version.StorageClass != "STANDARD") h["x-amz-storage-class"] = version.StorageClass;
        if (version.Tags.Count > 0) h["x-amz-tagging-count"] = version.Tags.Count.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in version.Headers) h[name] = value;
        foreach (var (name, value) in version.Metadata) h[MetaPrefix + name] = EncodeIfNeeded(value);
    }

    public static void WriteChecksumHeaders(HttpResponse response, VersionRecord version)
    {
        foreach (var (algorithm, value) in version.Checksums)
            response.Headers["x-amz-checksum-" + algorithm.ToLowerInvariant()] = value;
        if (version.ChecksumType() is { } type) response.Headers["x-amz-checksum-type"] = type;
    }

    /// <summary>
    /// Refuses a value Cairn would store or echo as a response header but could not send: a control character, which a
    /// form field or a percent-decoded query parameter can carry and a real header cannot.
    /// </summary>
    public static void RequireSendable(string name, string value)
    {
        foreach (var c in value)
            if (char.IsControl(c) && c != '\t') throw Unsendable(name, value, "Header value cannot contain control characters.");
    }

    /// <summary>A response-* override must also be ISO-8859-1, or S3 refuses it in these words.</summary>
    public static void RequireLatin1(string name, string value)
    {
        RequireSendable(name, value);
        if (value.Any(c => c > '\u00FF')) throw Unsendable(name, value, "Header value cannot be represented using ISO-8859-1.");
    }

    private static S3Exception Unsendable(string name, string value, string message) => new(S3ErrorCode.InvalidArgument, message)
    {
        Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = value },
    };

    /// <summary>Non-ASCII metadata goes back RFC 2047-encoded, as S3 does, since headers are ASCII.</summary>
    private static string EncodeIfNeeded(string value) =>
        value.All(c => c is >= ' ' and <= '~') ? value : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
}
