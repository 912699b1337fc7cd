using System.Globalization;
using System.Text;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>Moves object metadata between HTTP headers and the version record, both ways.</summary>
public static class ObjectHeaders
{
    private const string MetaPrefix = "x-amz-meta-";

    /// <summary>Standard headers S3 stores with the object and returns on GET/HEAD.</summary>
    public static readonly string[] Stored = ["Content-Encoding", "Content-Disposition", "Cache-Control", "Expires", "Content-Language"];

    public static Dictionary<string, string> UserMetadata(HttpRequest request)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Headers)
            if (name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
                meta[name[MetaPrefix.Length..].ToLowerInvariant()] = value.ToString();
        return meta;
    }

    public static Dictionary<string, string> StoredHeaders(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Stored)
        {
            var value = request.Headers[name].ToString();
            if (name == "Content-Encoding") value = StripAwsChunked(value);
            if (value.Length > 0) headers[name] = value;
        }
        return headers;
    }

    /// <summary>aws-chunked describes the transfer, not the object: S3 does not store it.</summary>
    private static string StripAwsChunked(string encoding) =>
        string.Join(",", encoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)));

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

    /// <summary>Non-ASCII metadata goes back RFC 2047-encoded, as S3 does, since headers are ASCII.</summary>
    private static string EncodeIfNeeded(string value) =>
        value.All(c => c is >= ' ' and <= '~') ? value : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
}
