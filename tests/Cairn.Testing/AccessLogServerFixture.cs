using System.Text.RegularExpressions;

namespace Cairn.Testing;

/// <summary>
/// A server that delivers server access logs every <see cref="Interval"/> instead of every few minutes, with what tests of
/// access logging share: the target policy S3's documentation gives, and S3's record format as a strict pattern.
/// </summary>
public partial class AccessLogServerFixture : ServerFixture
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>The server arguments of such a server, for a fixture of another kind (over TLS) that needs the same delivery.</summary>
    public static string[] Arguments => ["--access-log-interval", Interval.ToString()];

    protected override string[] ServerArguments => Arguments;

    /// <summary>The bucket policy S3's documentation gives a log target: the logging service may put objects, for one source bucket of the account.</summary>
    public static string LoggingTargetPolicy(string target, string source) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"S3ServerAccessLogsPolicy","Effect":"Allow",
          "Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{{target}}/*",
          "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::{{source}}"},"StringEquals":{"aws:SourceAccount":"000000000000"} } } ] }
        """;

    /// <summary>
    /// One record of S3's server access log format, every field named: bucket owner, bucket, [time], remote IP, requester,
    /// request id, operation, key, "request-URI", status, error code, bytes sent, object size, total time, turn-around
    /// time, "referer", "user-agent", version id, host id, signature version, cipher suite, authentication type, host
    /// header, TLS version, access point ARN, ACL required, source region — and nothing after (S3 may add fields; Cairn adds
    /// none). The host id is S3's x-amz-id-2 (base64), which every record carries.
    /// </summary>
    [GeneratedRegex("""
        ^(?<owner>[0-9a-f]{64}) (?<bucket>[a-z0-9.-]{3,63}) \[(?<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000)\] (?<ip>[0-9a-fA-F.:]+) (?<requester>\S+) (?<requestId>\S+) (?<operation>(?:REST|WEBSITE)\.[A-Z]+\.[A-Z_]+|BATCH\.DELETE\.OBJECT) (?<key>\S+) "(?<uri>[A-Z]+ \S+ HTTP/\d(?:\.\d)?)" (?<status>\d{3}) (?<error>-|[A-Za-z]+) (?<sent>-|\d+) (?<size>-|\d+) (?<total>\d+) (?<turnaround>-|\d+) "(?<referer>(?:[^"\\]|\\.)*)" "(?<agent>(?:[^"\\]|\\.)*)" (?<version>\S+) (?<hostId>[A-Za-z0-9+/]+={0,2}) (?<signature>-|SigV4) (?<cipher>\S+) (?<auth>-|AuthHeader|QueryString) (?<host>\S+) (?<tls>-|TLSv1\.[0-3]) (?<accessPoint>\S+) (?<aclRequired>-|Yes) (?<sourceRegion>-|[a-z]{2}(?:-[a-z]+)+-\d)$
        """, RegexOptions.ExplicitCapture)]
    public static partial Regex Record();
}

/// <summary>An <see cref="AccessLogServerFixture"/>'s quick delivery on a server serving S3 over HTTPS: its records name a cipher suite and a TLS version.</summary>
public sealed class TlsAccessLogServerFixture : TlsServerFixture
{
    protected override string[] ServerArguments => AccessLogServerFixture.Arguments;
}
