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
        AccessKey = ClaimedAccessKey(http.Request);
        RequestedVersionId = http.Request.QueryString.HasValue && http.Request.Query["versionId"].ToString() is { Length: > 0 } asked ? asked : null;
        if (http.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>() is { } tls)
            (TlsProtocol, CipherSuite) = (tls.Protocol.ToString(), tls.NegotiatedCipherSuite?.ToString());
        http.Response.OnStarting(() =>
        {
            firstByteTimestamp = Stopwatch.GetTimestamp();
            return Task.CompletedTask;
        });
    }

    private long firstByteTimestamp;
    private long bodyEndTimestamp;
    private List<BatchDeletion>? batchDeletions;

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

    /// <summary>The version the request's <c>versionId</c> parameter names (what S3's access log records), or null.</summary>
    public string? RequestedVersionId { get; }

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

    /// <summary>An ACL grant, not a policy, allowed the request (S3's access log says so in its aclRequired field).</summary>
    public bool AclRequired { get; set; }

    /// <summary>The object a copy read (CopyObject, UploadPartCopy), once it was found readable: S3 logs the read in its bucket too.</summary>
    public CopySourceRead? CopySource { get; set; }

    /// <summary>The objects a DeleteObjects request deleted, in its order (S3 logs each as BATCH.DELETE.OBJECT); empty for other requests.</summary>
    public IReadOnlyList<BatchDeletion> BatchDeletions => batchDeletions ?? [];

    /// <summary>Notes one object a DeleteObjects request deleted (called on the request's own path, one key at a time).</summary>
    public void AddBatchDeletion(string key, string? versionId) => (batchDeletions ??= []).Add(new BatchDeletion(key, versionId));

    /// <summary>Body bytes received: the Content-Length sent (the wire size for aws-chunked bodies).</summary>
    public long BytesReceived { get; }

    // Set when the response is complete.
    public int Status { get; private set; }
    public long BytesSent { get; private set; }
    public TimeSpan Duration { get; private set; }

    /// <summary>
    /// From the request's last byte received to the response's first byte (S3's turn-around time): from its arrival when it
    /// had no body or its body was not read to the end; null when the request ended without a response.
    /// </summary>
    public TimeSpan? TurnAround { get; private set; }

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
        var now = Stopwatch.GetTimestamp();
        Duration = Stopwatch.GetElapsedTime(startTimestamp, now);
        // A response without a body (a HEAD, a 204, a PUT's 200) starts only as the request ends, right after this.
        var firstByte = firstByteTimestamp != 0 ? firstByteTimestamp : http.RequestAborted.IsCancellationRequested ? 0 : now;
        var bodyEnd = bodyEndTimestamp > 0 && bodyEndTimestamp <= firstByte ? bodyEndTimestamp : startTimestamp;
        TurnAround = firstByte == 0 ? null : Stopwatch.GetElapsedTime(bodyEnd, firstByte);
    }

    /// <summary>The request's body was read to its end (<see cref="RequestBodyEnd"/>): the first time counts.</summary>
    internal void BodyEnded() => Interlocked.CompareExchange(ref bodyEndTimestamp, Stopwatch.GetTimestamp(), 0);

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

/// <summary>One object a DeleteObjects request deleted: its key and the version the request named (null: the current one).</summary>
public sealed record BatchDeletion(string Key, string? VersionId);

/// <summary>The source of a copy: its bucket and key, the version the request named (null: the current one) and its size.</summary>
public sealed record CopySourceRead(string Bucket, string Key, string? VersionId, long Size);
