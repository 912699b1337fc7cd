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
        Protocol = http.Request.Protocol;
        RemoteAddress = http.Connection.RemoteIpAddress?.ToString() ?? "-";
        UserAgent = http.Request.Headers.UserAgent.ToString();
        Referer = http.Request.Headers.Referer.ToString();
        Host = http.Request.Host.Value ?? "";
        IsHttps = http.Request.IsHttps;
        BytesReceived = http.Request.ContentLength ?? 0;
        AccessKey = ClaimedAccessKey(http.Request);
    }

    /// <summary>The request of this HTTP exchange, or null outside the S3 port's pipeline.</summary>
    public static RequestRecord? Of(HttpContext http) => http.Features.Get<RequestRecord>();

    public string RequestId { get; }
    public DateTimeOffset Started { get; }
    public string Method { get; }

    /// <summary>The request target as sent: path and query string (a presigned URL's signature included).</summary>
    public string Target { get; }
    public string Protocol { get; }
    public string RemoteAddress { get; }
    public string UserAgent { get; }
    public string Referer { get; }
    public string Host { get; }
    public bool IsHttps { get; }

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

    /// <summary>S3's extended request id (<c>x-amz-id-2</c>), set with the request id.</summary>
    public string? ExtendedRequestId { get; set; }

    /// <summary>The access key id the request's signature names (header or presigned query), verified or not; null when unsigned.</summary>
    public string? AccessKey { get; }

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

    /// <summary>The principal as a short name for logs: the ARN, or <c>anonymous</c>.</summary>
    public string Caller => Auth?.Principal.Arn ?? "anonymous";

    /// <summary>Whether the request asked to change state (what the audit log keeps): any method but GET, HEAD and OPTIONS.</summary>
    public bool IsMutating => !(HttpMethods.IsGet(Method) || HttpMethods.IsHead(Method) || HttpMethods.IsOptions(Method));

    /// <summary>Whether the response started (its status line went out); false for a request cut before any answer.</summary>
    public bool ResponseStarted { get; private set; }

    private int gated;

    /// <summary>
    /// The response is about to start (its status and headers are final), or the request ended without one: true the first
    /// time only, so the response gates run once.
    /// </summary>
    internal bool TryPassGates(HttpContext http, bool responseStarting)
    {
        if (Interlocked.Exchange(ref gated, 1) == 1) return false;
        ResponseStarted = responseStarting;
        TakeOutcome(http);
        return true;
    }

    internal void Complete(HttpContext http)
    {
        TakeOutcome(http);
        // Every S3 answer with a body declares its length; one without (a HEAD, a 204) sent none.
        BytesSent = HttpMethods.IsHead(Method) ? 0 : http.Response.ContentLength ?? 0;
        Duration = Stopwatch.GetElapsedTime(startTimestamp);
    }

    private void TakeOutcome(HttpContext http)
    {
        Status = http.Response.StatusCode;
        VersionId ??= http.Response.Headers["x-amz-version-id"].ToString() is { Length: > 0 } v ? v : null;
    }

    /// <summary>The AKID of <c>Credential=AKID/date/region/service/aws4_request</c> in the Authorization header or X-Amz-Credential.</summary>
    private static string? ClaimedAccessKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
        var credential = start >= 0 ? authorization[(start + "Credential=".Length)..] : request.Query["X-Amz-Credential"].ToString();
        var slash = credential.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? credential[..slash] : null;
    }
}
