using System.Globalization;
using System.Text;
using Cairn.Auth;
using Cairn.FrontDoor.Observability;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// One request as lines of S3's server access log format: space-separated fields in S3's order, <c>-</c> for what is
/// unknown or does not apply. A request is one record, except DeleteObjects, which S3 logs as its
/// REST.POST.MULTI_OBJECT_DELETE record followed by one BATCH.DELETE.OBJECT record per object deleted, under the same
/// request id, and a copy, whose read S3 logs in the source's bucket as well (<see cref="CopySourceLine"/>). The first field, the bucket owner's canonical id, is added at delivery (the owner is read with the bucket's
/// logging configuration), so <see cref="Lines"/> writes the fields from the bucket on.
/// </summary>
public static class AccessLogRecord
{
    /// <summary>The operation S3 names each object a DeleteObjects request deleted.</summary>
    public const string BatchDelete = "BATCH.DELETE.OBJECT";

    /// <summary>The read half of a CopyObject, in the source's bucket.</summary>
    public const string CopyObjectGet = "REST.COPY.OBJECT_GET";

    /// <summary>The read half of an UploadPartCopy, in the source's bucket.</summary>
    public const string CopyPartGet = "REST.COPY.PART_GET";

    public static IEnumerable<string> Lines(RequestRecord r)
    {
        yield return Line(r, r.Bucket, AccessLogOperations.Name(r.Operation, r.Method, r.Api), r.Key, r.RequestedVersionId, r.Status, r.BytesSent, r.ObjectSize);
        // Each deleted object: its key and the version named, the 204 its own DELETE would answer, the request's times; no bytes.
        foreach (var deleted in r.BatchDeletions)
            yield return Line(r, r.Bucket, BatchDelete, deleted.Key, deleted.VersionId, StatusCodes.Status204NoContent, bytesSent: 0, objectSize: null);
    }

    /// <summary>
    /// The read half of a copy, for the source's bucket: REST.COPY.OBJECT_GET (REST.COPY.PART_GET for UploadPartCopy) on the
    /// source key and the version the copy named, with the source's size, the request's status, times and URI; no bytes
    /// go to the client from it.
    /// </summary>
    public static string CopySourceLine(RequestRecord r)
    {
        var source = r.CopySource ?? throw new InvalidOperationException("Not a copy.");
        var operation = r.Operation == Routing.S3Operation.UploadPartCopy ? CopyPartGet : CopyObjectGet;
        return Line(r, source.Bucket, operation, source.Key, source.VersionId, r.Status, bytesSent: 0, source.Size);
    }

    /// <summary>The fields after the bucket owner: bucket, [time], remote IP, requester, request id, operation, key, "request-URI", status,
    /// error code, bytes sent, object size, total time, turn-around time, "referer", "user-agent", version id, host id, signature
    /// version, cipher suite, authentication type, host header, TLS version, access point ARN, ACL required, source region.</summary>
    private static string Line(RequestRecord r, string? bucket, string operation, string? key, string? versionId, int status, long bytesSent, long? objectSize)
    {
        var line = new StringBuilder(320);
        Field(line, bucket);
        line.Append(" [").Append(r.Started.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)).Append(" +0000]");
        Field(line, r.RemoteAddress);
        Field(line, Requester(r.Auth?.Principal));
        Field(line, r.RequestId);
        Field(line, operation);
        Field(line, key is null ? null : EncodeKey(key));
        Quoted(line, $"{r.Method} {UriText(r.RawTarget)} {r.Protocol}");
        Field(line, status.ToString(CultureInfo.InvariantCulture));
        Field(line, r.ErrorCode);
        Field(line, bytesSent > 0 ? bytesSent.ToString(CultureInfo.InvariantCulture) : null);
        Field(line, objectSize?.ToString(CultureInfo.InvariantCulture));
        Field(line, Milliseconds(r.Duration));
        Field(line, r.TurnAround is { } turnAround ? Milliseconds(turnAround) : null);
        Quoted(line, r.Referer);
        Quoted(line, r.UserAgent);
        Field(line, versionId);
        Field(line, r.ExtendedRequestId);
        Field(line, r.Auth is null ? null : "SigV4");
        Field(line, TlsCipherSuites.OpenSslName(r.CipherSuite));
        Field(line, r.Auth is null ? null : r.Auth.IsPresigned ? "QueryString" : "AuthHeader");
        Field(line, r.Host);
        Field(line, TlsVersion(r.TlsProtocol));
        Field(line, null); // Access point ARN: access points are not served.
        Field(line, r.AclRequired ? "Yes" : null);
        Field(line, null); // Source region: the AWS Region a request came from; Cairn's clients come from none.
        return line.Remove(0, 1).ToString();
    }

    /// <summary>The requester as S3 logs it: the account's canonical id for the root, the ARN of a user or role session, - for anonymous.</summary>
    private static string? Requester(Principal? principal) => principal switch
    {
        null or { Kind: PrincipalKind.Anonymous } => null,
        { Kind: PrincipalKind.Root } => principal.CanonicalId,
        _ => principal.Arn,
    };

    /// <summary>The key URL-encoded, its slashes kept, as S3 logs it.</summary>
    public static string EncodeKey(string key) => Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal);

    // The raw target should hold no spaces, quotes or non-ASCII; any that came are escaped so the field stays one quoted token.
    private static string UriText(string target)
    {
        var text = new StringBuilder(target.Length);
        foreach (var b in Encoding.UTF8.GetBytes(target))
        {
            if (b <= 0x20 || b >= 0x7F || b == '"') text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            else text.Append((char)b);
        }
        return text.ToString();
    }

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static string? TlsVersion(string? protocol) => protocol switch
    {
        null => null,
        "Tls13" => "TLSv1.3",
        "Tls12" => "TLSv1.2",
        "Tls11" => "TLSv1.1",
        _ => protocol,
    };

    private static void Field(StringBuilder line, string? value)
    {
        line.Append(' ');
        if (string.IsNullOrEmpty(value)) line.Append('-');
        else foreach (var c in value) line.Append(char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c);
    }

    // A quoted field: "-" when empty; quotes and backslashes inside escaped with a backslash, control characters dropped.
    private static void Quoted(StringBuilder line, string value)
    {
        line.Append(" \"");
        if (value.Length == 0) line.Append('-');
        foreach (var c in value)
        {
            if (c is '"' or '\\') line.Append('\\').Append(c);
            else if (!char.IsControl(c)) line.Append(c);
        }
        line.Append('"');
    }
}
