using System.Diagnostics;
using Cairn.Auth;
using Cairn.FrontDoor.Routing;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Observability;

/// <summary>
/// What one request to the S3 port did, filled in as it passes through the pipeline (routing, authentication, the IAM
/// or admin endpoint, the error renderer) and handed to every <see cref="IRequestObserver"/> once the response is
/// written: metrics, the request log line, the audit log and server access logging all read the same record.
/// Observers must not change it.
/// </summary>
public sealed class RequestRecord
{
    private readonly long startTimestamp = Stopwatch.GetTimestamp();

    public RequestRecord(HttpContext http, DateTimeOffset started)
    {
        RequestId = http.TraceIdentifier;
        Started = started;
        Method = http.Request.Method;
        Target = http.Request.Path.Value + http.Request.QueryString.Value;
        RawTarget = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : Target;
        Protocol = http.Request.Protocol;
        RemoteAddress = http.Connection.RemoteIpAddress?.ToString() ?? "-";
        UserAgent = http.Request.Headers.UserAgent.ToString();
        Referer = http.Request.Headers.Referer.ToString();
        Host = http.Request.Host.Value ?? "";
        IsHttps = http.Request.IsHttps;
        BytesReceived = http.Request.ContentLength ?? 0;
        if (http.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>() is { } tls)
            (TlsProtocol, CipherSuite) = (tls.Protocol.ToString(), tls.NegotiatedCipherSuite?.ToString());
        http.Response.OnStarting(() =>
        {
            firstByteTimestamp = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        });
    }

    private long firstByteTimestamp;

    /// <summary>The request of this HTTP exchange, or null outside the S3 port's pipeline.</summary>
    public static RequestRecord? Of(HttpContext http) => http.Features.Get<RequestRecord>();

    public string RequestId { get; }
    public DateTimeOffset Started { get; }
    public string Method { get; }

    /// <summary>The request target as sent: path and query string (a presigned URL's signature included).</summary>
    public string Target { get; }

    /// <summary>The request target exactly as on the request line, percent-escapes kept (what S3's access log calls the Request-URI).</summary>
    public string RawTarget { get; }
    public string Protocol { get; }
    public string RemoteAddress { get; }
    public string UserAgent { get; }
    public string Referer { get; }
    public string Host { get; }
    public bool IsHttps { get; }

    /// <summary>The TLS protocol negotiated (SslProtocols' name: Tls12, Tls13), or null over plain HTTP.</summary>
    public string? TlsProtocol { get; }

    /// <summary>The TLS cipher suite negotiated (its IANA name), or null over plain HTTP.</summary>
    public string? CipherSuite { get; }

    /// <summary>Which API served it: <c>s3</c>, <c>iam</c>, <c>sts</c>, <c>admin</c> or <c>website</c>.</summary>
    public string Api { get; set; } = "s3";

    /// <summary>The S3 operation, once routed (null for the other APIs and for requests refused before routing).</summary>
    public S3Operation? Operation { get; set; }

    /// <summary>The action of a non-S3 API: the IAM or STS Action parameter, or the admin path.</summary>
    public string? Action { get; set; }

    public string? Bucket { get; set; }
    public string? Key { get; set; }

    /// <summary>The version the request named or the one it made (x-amz-version-id of the response, when set).</summary>
    public string? VersionId { get; set; }

    /// <summary>Who signed it; null when it was anonymous or refused before authentication.</summary>
    public AuthResult? Auth { get; set; }

    /// <summary>The S3 (or IAM) error code answered, or null for a success.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The size of the object read or written, when the operation is about one object's bytes.</summary>
    public long? ObjectSize { get; set; }

    /// <summary>Body bytes received: the Content-Length sent (the wire size for aws-chunked bodies).</summary>
    public long BytesReceived { get; }

    // Set when the response is complete.
    public int Status { get; private set; }
    public long BytesSent { get; private set; }
    public TimeSpan Duration { get; private set; }

    /// <summary>From the request's arrival to the response's first byte; null when no response was started.</summary>
    public TimeSpan? TurnAround { get; private set; }

    /// <summary>The principal as a short name for logs: the ARN, or <c>anonymous</c>.</summary>
    public string Caller => Auth?.Principal.Arn ?? "anonymous";

    /// <summary>Whether the request asked to change state (what the audit log keeps): any method but GET, HEAD and OPTIONS.</summary>
    public bool IsMutating => !(HttpMethods.IsGet(Method) || HttpMethods.IsHead(Method) || HttpMethods.IsOptions(Method));

    internal void Complete(HttpContext http)
    {
        Status = http.Response.StatusCode;
        // Every S3 answer with a body declares its length; one without (a HEAD, a 204) sent none.
        BytesSent = HttpMethods.IsHead(Method) ? 0 : http.Response.ContentLength ?? 0;
        VersionId ??= http.Response.Headers["x-amz-version-id"].ToString() is { Length: > 0 } v ? v : null;
        Duration = Stopwatch.GetElapsedTime(startTimestamp);
        TurnAround = firstByteTimestamp == 0 ? null : Stopwatch.GetElapsedTime(startTimestamp, firstByteTimestamp);
    }
}
