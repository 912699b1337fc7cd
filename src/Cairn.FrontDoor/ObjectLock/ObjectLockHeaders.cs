using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.ObjectLock;

/// <summary>
/// The x-amz-object-lock-* headers: read from PutObject, CopyObject and CreateMultipartUpload, written on GET and HEAD.
/// Whether the bucket allows them is the shard's decision; this reads them and refuses malformed ones as S3 does.
/// </summary>
public static class ObjectLockHeaders
{
    public const string ModeHeader = "x-amz-object-lock-mode";
    public const string RetainUntilDateHeader = "x-amz-object-lock-retain-until-date";
    public const string LegalHoldHeader = "x-amz-object-lock-legal-hold";
    public const string BypassGovernanceHeader = "x-amz-bypass-governance-retention";

    /// <summary>The lock a new object asks for; mode and date come together or not at all.</summary>
    public static (ObjectRetention? Retention, LegalHoldStatus? LegalHold) Read(HttpRequest request) => Read(request.Headers);

    /// <summary>The same from header-named fields (a POST form's).</summary>
    public static (ObjectRetention? Retention, LegalHoldStatus? LegalHold) Read(IHeaderDictionary headers)
    {
        var modeText = Value(headers, ModeHeader);
        var dateText = Value(headers, RetainUntilDateHeader);
        var holdText = Value(headers, LegalHoldHeader);
        LegalHoldStatus? hold = holdText is null ? null : ObjectLockValues.LegalHold(holdText) ?? throw Invalid(LegalHoldHeader, holdText, "Legal Hold must be either of 'ON' or 'OFF'");
        if (modeText is null && dateText is null) return (null, hold);
        if (modeText is null || dateText is null)
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"{RetainUntilDateHeader} and {ModeHeader} must both be supplied");
        var mode = ObjectLockValues.Mode(modeText) ?? throw Invalid(ModeHeader, modeText, "Unknown wormMode directive.");
        var date = ObjectLockValues.Date(dateText) ?? throw Invalid(RetainUntilDateHeader, dateText, "The retain until date must be provided in ISO 8601 format");
        return (new ObjectRetention(mode, date), hold);
    }

    /// <summary>x-amz-bypass-governance-retention: true lets a GOVERNANCE retention yield (the root user holds the permission).</summary>
    public static bool BypassesGovernance(HttpRequest request) =>
        string.Equals(Value(request.Headers, BypassGovernanceHeader), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// S3 takes locked bytes only with an end-to-end integrity check: Content-MD5, or an x-amz-checksum-* value in a header or trailer.
    /// </summary>
    public static void RequireIntegrityCheck(HttpRequest request, string message)
    {
        if (request.Headers.ContainsKey("Content-MD5")) return;
        if (request.Headers.Keys.Any(name => ChecksumAlgorithms.TryParseHeader(name, out _))) return;
        var trailer = request.Headers["x-amz-trailer"].ToString();
        if (trailer.Split(',', StringSplitOptions.TrimEntries).Any(name => ChecksumAlgorithms.TryParseHeader(name, out _))) return;
        throw new S3Exception(S3ErrorCode.InvalidRequest, message);
    }

    /// <summary>GET and HEAD answer the version's lock, as stored.</summary>
    public static void Write(HttpResponse response, VersionRecord version)
    {
        if (version.Retention is { } retention)
        {
            response.Headers[ModeHeader] = ObjectLockValues.Name(retention.Mode);
            response.Headers[RetainUntilDateHeader] = ObjectLockValues.Text(retention.RetainUntilDate);
        }
        if (version.LegalHold is { } hold) response.Headers[LegalHoldHeader] = ObjectLockValues.Name(hold);
    }

    private static string? Value(IHeaderDictionary headers, string name) => headers[name].ToString() is { Length: > 0 } value ? value.Trim() : null;

    private static S3Exception Invalid(string name, string value, string message) => new(S3ErrorCode.InvalidArgument, message)
    {
        Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = value },
    };
}
