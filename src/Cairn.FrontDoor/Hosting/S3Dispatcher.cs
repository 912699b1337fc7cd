using Cairn.Auth;
using Cairn.FrontDoor.Acl;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Authorization;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Cors;
using Cairn.FrontDoor.Forms;
using Cairn.FrontDoor.Http;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.Listing;
using Cairn.FrontDoor.Multipart;
using Cairn.FrontDoor.ObjectLock;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Website;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cairn.FrontDoor.Hosting;

/// <summary>
/// The request pipeline, in one direction: route → CORS → authenticate → authorize → open the verified payload →
/// one handler → response; any S3Exception on the way is rendered by ErrorRenderer. A website endpoint's
/// requests (and CORS preflights) are served before authentication: they are anonymous.
/// </summary>
public sealed partial class S3Dispatcher(
    S3Router router,
    SigV4Verifier verifier,
    BucketHandlers buckets,
    ObjectHandlers objects,
    ObjectTaggingHandlers tagging,
    DeleteObjectsHandler multiDelete,
    MultipartHandlers multipart,
    ListingHandlers listings,
    IAdminApi admin,
    RestoreObjectHandler restore,
    LifecycleConfigurationHandlers lifecycle,
    BucketExistence bucketExistence,
    BucketSettingHandlers settings,
    CorsResponder cors,
    WebsiteEndpoint website,
    PostObjectHandler postObject,
    ObjectAttributesHandler attributes,
    ObjectLockHandlers objectLock,
    AclHandlers acls,
    Authorizer authorizer,
    BucketPolicyHandlers bucketPolicy,
    AccessLogging.BucketLoggingHandlers logging,
    FrontDoorOptions options,
    Identity.IamEndpoint iam,
    IEnumerable<Observability.IRequestObserver> observers,
    IEnumerable<Observability.IResponseGate> gates,
    Observability.RequestIds requestIds,
    TimeProvider time,
    ILogger<S3Dispatcher> log)
{
    private readonly Observability.IRequestObserver[] observers = observers.ToArray();
    private readonly Observability.IResponseGate[] gates = gates.ToArray();

    /// <summary>The minimum upload rate, one instance for every request (Kestrel only reads it).</summary>
    private readonly Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate? uploadRate = options.Limits.MinUploadBytesPerSecond > 0
        ? new(options.Limits.MinUploadBytesPerSecond, options.Limits.UploadRateGrace) : null;

    public async Task HandleAsync(HttpContext http)
    {
        var extendedId = requestIds.Assign(http);
        var record = new Observability.RequestRecord(http, time.GetUtcNow()) { ExtendedRequestId = extendedId };
        http.Features.Set(record);
        if (gates.Length > 0) http.Response.OnStarting(() => PassGatesAsync(http, record, responseStarting: true));
        try
        {
            await ServeAsync(http, record).ConfigureAwait(false);
        }
        finally
        {
            // A request that ends with no response (the client went away) passes the gates now: none will start.
            if (gates.Length > 0 && http.RequestAborted.IsCancellationRequested) await PassGatesAsync(http, record, responseStarting: false).ConfigureAwait(false);
            record.Complete(http);
            foreach (var observer in observers) observer.OnCompleted(record);
        }
    }

    private async Task PassGatesAsync(HttpContext http, Observability.RequestRecord record, bool responseStarting)
    {
        if (!record.TryPassGates(http, responseStarting)) return;
        foreach (var gate in gates) await gate.BeforeResponseAsync(record).ConfigureAwait(false);
    }

    private async Task ServeAsync(HttpContext http, Observability.RequestRecord record)
    {
        // HTTP/1.1 only: Kestrel takes no per-request rate on HTTP/2 (every S3 SDK uploads over HTTP/1.1).
        if (uploadRate is not null && HttpProtocol.IsHttp11(http.Request.Protocol)
            && http.Features.Get<Microsoft.AspNetCore.Server.Kestrel.Core.Features.IHttpMinRequestBodyDataRateFeature>() is { } rate)
            rate.MinDataRate = uploadRate;
        http.Response.Headers.Server = "Cairn";
        Observability.RequestIds.WriteHeaders(http);
        ConnectionReuse.BeforeHandling(http);
        var resource = http.Request.Path.Value ?? "/";
        try
        {
            if (http.Features.Get<IOverConnectionLimitFeature>() is not null) throw ConnectionLimitReached(http);
            RequestLine.Check(http, options.Limits.MaxRequestLineBytes);
            HeaderSection.Check(http.Request.Headers, options.Limits.MaxHeaderSectionBytes);
            if (website.BucketOf(http.Request) is { } site)
            {
                (record.Api, record.Bucket, record.Key) = ("website", site, http.Request.Path.Value?.TrimStart('/'));
                await website.HandleAsync(http, site).ConfigureAwait(false);
                return;
            }
            if (Identity.IamEndpoint.Serves(http.Request))
            {
                // IAM's query API answers in its own XML, errors included.
                record.Api = "iam";
                await iam.HandleAsync(http).ConfigureAwait(false);
                return;
            }
            if (AdminPaths.IsAdminPath(http.Request))
            {
                (record.Api, record.Action) = ("admin", http.Request.Path.Value);
                var auth = record.Auth = Authenticate(http.Request) ?? throw new S3Exception(S3ErrorCode.AccessDenied);
                await admin.HandleAsync(http, auth).ConfigureAwait(false);
                return;
            }
            var s3 = router.Route(http);
            resource = s3.Resource;
            (record.Operation, record.Bucket, record.Key) = (s3.Operation, s3.Bucket, s3.Key);
            if (s3.Operation == S3Operation.CorsPreflight)
            {
                await cors.PreflightAsync(s3).ConfigureAwait(false);
                return;
            }
            await cors.AnnotateAsync(s3).ConfigureAwait(false);
            if (s3.Operation == S3Operation.PostObject)
            {
                // A browser form carries its own credentials: the signature of its policy document, among its fields.
                // As for any request, S3 first tells anyone that the bucket does not exist.
                await bucketExistence.RequireNamedAsync(s3).ConfigureAwait(false);
                await postObject.HandleAsync(s3).ConfigureAwait(false);
                return;
            }
            var result = record.Auth = Authenticate(http.Request);
            if (result is not null) SigningRegion.Require(result, options.Region);
            // S3 tells anyone that a bucket does not exist before it refuses them or the operation.
            if (s3.Operation == S3Operation.NotImplemented)
            {
                await bucketExistence.RequireNamedAsync(s3).ConfigureAwait(false);
                throw new S3Exception(S3ErrorCode.NotImplemented);
            }
            // An unsigned request is anonymous: the bucket policy alone decides (the authorizer answers NoSuchBucket first).
            s3.Authorization = await authorizer.AuthorizeAsync(s3, result?.Principal ?? Principal.Anonymous, result).ConfigureAwait(false);
            // Disposed when the request ends, read or not: a verifying stream holds a native hash context and a chunked one a
            // pooled buffer, which otherwise wait for the finalizer (a GET's empty signed body made one per request).
            await using var payload = s3.Payload = result is null ? verifier.OpenAnonymousPayload(http.Request) : verifier.OpenPayload(http.Request, result);
            try
            {
                await DispatchAsync(s3).ConfigureAwait(false);
            }
            catch (S3Exception e) when (e.Code == S3ErrorCode.NoSuchKey)
            {
                // Without s3:ListBucket a caller may not learn whether a key exists: S3 answers 403 for a missing one.
                if (!await s3.Authorization.MayLearnAbsenceAsync(s3.Bucket!).ConfigureAwait(false)) throw new S3Exception(S3ErrorCode.AccessDenied);
                throw;
            }
        }
        catch (S3Exception e)
        {
            LogS3Error(http.Request.Method, resource, e.Code.Code, e.Message);
            await ErrorRenderer.WriteAsync(http, e, resource).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Index.Shards.IndexUnavailableException e)
        {
            LogS3Error(http.Request.Method, resource, S3ErrorCode.ServiceUnavailable.Code, e.Message);
            await ErrorRenderer.WriteAsync(http, new S3Exception(S3ErrorCode.ServiceUnavailable, e.Message), resource).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            // Kestrel's minimum upload rate (RequestLimits.MinUploadBytesPerSecond) ended a stalled body.
            LogS3Error(http.Request.Method, resource, S3ErrorCode.RequestTimeout.Code, e.Message);
            await ErrorRenderer.WriteAsync(http, new S3Exception(S3ErrorCode.RequestTimeout), resource).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            await ErrorRenderer.WriteAsync(http, new S3Exception(S3ErrorCode.IncompleteBody, e.Message), resource).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUnhandled(e, http.Request.Method, resource);
            await ErrorRenderer.WriteAsync(http, new S3Exception(S3ErrorCode.InternalError), resource).ConfigureAwait(false);
        }
    }

    private AuthResult? Authenticate(HttpRequest request) => verifier.Authenticate(request);

    /// <summary>A connection over its client's limit (ConnectionsPerClient): 503 SlowDown, then the connection closes.</summary>
    private static S3Exception ConnectionLimitReached(HttpContext http)
    {
        http.Features.Get<Microsoft.AspNetCore.Connections.Features.IConnectionLifetimeNotificationFeature>()?.RequestClose();
        return new S3Exception(S3ErrorCode.SlowDown)
        {
            Headers = HttpProtocol.IsHttp11(http.Request.Protocol) ? new Dictionary<string, string> { ["Connection"] = "close" } : new Dictionary<string, string>(),
        };
    }

    private Task DispatchAsync(S3Request s3) => s3.Operation switch
    {
        S3Operation.ListBuckets => buckets.ListAsync(s3),
        S3Operation.CreateBucket => buckets.CreateAsync(s3),
        S3Operation.HeadBucket => buckets.HeadAsync(s3),
        S3Operation.DeleteBucket => buckets.DeleteAsync(s3),
        S3Operation.GetBucketLocation => buckets.GetLocationAsync(s3),
        S3Operation.GetBucketVersioning => buckets.GetVersioningAsync(s3),
        S3Operation.PutBucketVersioning => buckets.PutVersioningAsync(s3),
        S3Operation.ListObjects => listings.ListV1Async(s3),
        S3Operation.ListObjectsV2 => listings.ListV2Async(s3),
        S3Operation.ListObjectVersions => listings.ListVersionsAsync(s3),
        S3Operation.DeleteObjects => multiDelete.HandleAsync(s3),
        S3Operation.CreateMultipartUpload => multipart.CreateAsync(s3),
        S3Operation.UploadPart => multipart.UploadPartAsync(s3),
        S3Operation.UploadPartCopy => multipart.UploadPartCopyAsync(s3),
        S3Operation.CompleteMultipartUpload => multipart.CompleteAsync(s3),
        S3Operation.AbortMultipartUpload => multipart.AbortAsync(s3),
        S3Operation.ListParts => multipart.ListPartsAsync(s3),
        S3Operation.ListMultipartUploads => multipart.ListUploadsAsync(s3),
        S3Operation.PutObject => objects.PutAsync(s3),
        S3Operation.CopyObject => objects.CopyAsync(s3),
        S3Operation.GetObject => objects.GetAsync(s3, headOnly: false),
        S3Operation.HeadObject => objects.GetAsync(s3, headOnly: true),
        S3Operation.DeleteObject => objects.DeleteAsync(s3),
        S3Operation.RestoreObject => restore.HandleAsync(s3),
        S3Operation.PutBucketLifecycleConfiguration => lifecycle.PutAsync(s3),
        S3Operation.GetBucketLifecycleConfiguration => lifecycle.GetAsync(s3),
        S3Operation.DeleteBucketLifecycle => lifecycle.DeleteAsync(s3),
        S3Operation.GetObjectTagging => tagging.GetAsync(s3),
        S3Operation.PutObjectTagging => tagging.PutAsync(s3),
        S3Operation.DeleteObjectTagging => tagging.DeleteAsync(s3),
        S3Operation.GetObjectAttributes => attributes.GetAsync(s3),
        var operation when BucketSettingHandlers.Serves(operation) => settings.HandleAsync(s3),
        var operation when BucketPolicyHandlers.Serves(operation) => bucketPolicy.HandleAsync(s3),
        var operation when AccessLogging.BucketLoggingHandlers.Serves(operation) => logging.HandleAsync(s3),
        S3Operation.PutObjectLockConfiguration => objectLock.PutConfigurationAsync(s3),
        S3Operation.GetObjectLockConfiguration => objectLock.GetConfigurationAsync(s3),
        S3Operation.PutObjectRetention => objectLock.PutRetentionAsync(s3),
        S3Operation.GetObjectRetention => objectLock.GetRetentionAsync(s3),
        S3Operation.PutObjectLegalHold => objectLock.PutLegalHoldAsync(s3),
        S3Operation.GetObjectLegalHold => objectLock.GetLegalHoldAsync(s3),
        S3Operation.GetBucketAcl => acls.GetBucketAclAsync(s3),
        S3Operation.PutBucketAcl => acls.PutBucketAclAsync(s3),
        S3Operation.GetObjectAcl => acls.GetObjectAclAsync(s3),
        S3Operation.PutObjectAcl => acls.PutObjectAclAsync(s3),
        S3Operation.GetBucketOwnershipControls => acls.GetOwnershipControlsAsync(s3),
        S3Operation.PutBucketOwnershipControls => acls.PutOwnershipControlsAsync(s3),
        S3Operation.DeleteBucketOwnershipControls => acls.DeleteOwnershipControlsAsync(s3),
        _ => throw new S3Exception(S3ErrorCode.NotImplemented),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Resource} failed: {Code} {Message}")]
    private partial void LogS3Error(string method, string resource, string code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Resource}")]
    private partial void LogUnhandled(Exception e, string method, string resource);
}
