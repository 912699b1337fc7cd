using System.Globalization;
using System.Text;
using Cairn.Auth;
using Cairn.FrontDoor.Observability;

namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// One request as a line of S3's server access log format: space-separated fields in S3's order, <c>-</c> for what is
/// unknown or does not apply. The first field, the bucket owner's canonical id, is added at delivery (the owner is read
/// with the bucket's logging configuration), so <see cref="Format"/> writes the fields from the bucket on.
/// </summary>
public static class AccessLogRecord
{
    /// <summary>The fields after the bucket owner: bucket, [time], remote IP, requester, request id, operation, key, "request-URI", status,
    /// error code, bytes sent, object size, total time, turn-around time, "referer", "user-agent", version id, host id, signature
    /// version, cipher suite, authentication type, host header, TLS version, access point ARN, ACL required.</summary>
    public static string Format(RequestRecord r)
    {
        var line = new StringBuilder(256);
        Field(line, r.Bucket);
        line.Append(" [").Append(r.Started.UtcDateTime.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)).Append(" +0000]");
        Field(line, r.RemoteAddress);
        Field(line, Requester(r.Auth?.Principal));
        Field(line, r.RequestId);
        Field(line, AccessLogOperations.Name(r.Operation, r.Method, r.Api));
        Field(line, r.Key is null ? null : EncodeKey(r.Key));
        Quoted(line, $"{r.Method} {UriText(r.RawTarget)} {r.Protocol}");
        Field(line, r.Status.ToString(CultureInfo.InvariantCulture));
        Field(line, r.ErrorCode);
        Field(line, r.BytesSent > 0 ? r.BytesSent.ToString(CultureInfo.InvariantCulture) : null);
        Field(line, r.ObjectSize?.ToString(CultureInfo.InvariantCulture));
        Field(line, Milliseconds(r.Duration));
        Field(line, r.TurnAround is { } turnAround ? Milliseconds(turnAround) : null);
        Quoted(line, r.Referer);
        Quoted(line, r.UserAgent);
        Field(line, r.VersionId);
        Field(line, null); // Host id: S3's x-amz-id-2, which Cairn does not send.
        Field(line, r.Auth is null ? null : "SigV4");
        Field(line, r.CipherSuite);
        Field(line, r.Auth is null ? null : r.Auth.IsPresigned ? "QueryString" : "AuthHeader");
        Field(line, r.Host);
        Field(line, TlsVersion(r.TlsProtocol));
        Field(line, null); // Access point ARN: access points are not served.
        Field(line, null); // ACL required: "Yes" when only an ACL granted the request, which the pipeline does not record.
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
