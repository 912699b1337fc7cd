using System.Globalization;
using System.Text;
using Cairn.Core.Checksums;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>Moves object metadata between HTTP headers and the version record, both ways.</summary>
public static class ObjectHeaders
{
    private const string MetaPrefix = "x-amz-meta-";

    /// <summary>Standard headers S3 stores with the object and returns on GET/HEAD.</summary>
    public static readonly string[] Stored = ["Content-Encoding", "Content-Disposition", "Cache-Control", "Expires", "Content-Language"];

    public static Dictionary<string, string> UserMetadata(HttpRequest request) => UserMetadata(request.Headers);

    /// <summary>x-amz-meta-* from headers, or from a POST form's fields of the same names.</summary>
    public static Dictionary<string, string> UserMetadata(IHeaderDictionary fields)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in fields)
            if (name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
                meta[name[MetaPrefix.Length..].ToLowerInvariant()] = value.ToString();
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
            if (value.Length > 0) headers[name] = value;
        }
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
        if (ChecksumAlgorithms.ChecksumType(version.Checksums) is { } type) response.Headers["x-amz-checksum-type"] = type;
    }

    /// <summary>Non-ASCII metadata goes back RFC 2047-encoded, as S3 does, since headers are ASCII.</summary>
    private static string EncodeIfNeeded(string value) =>
        value.All(c => c is >= ' ' and <= '~') ? value : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
}
