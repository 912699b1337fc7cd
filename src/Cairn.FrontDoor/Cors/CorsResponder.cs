using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Cors;

/// <summary>
/// CORS in the request pipeline, for every operation at once: answers preflight OPTIONS requests (unauthenticated,
/// as browsers send them), and adds the Access-Control-* headers of the matching rule to any other request to a
/// bucket that carries an Origin — its errors too, as S3 does.
/// </summary>
public sealed class CorsResponder(BucketSettings settings)
{
    private const string RequestMethod = "Access-Control-Request-Method";
    private const string RequestHeaders = "Access-Control-Request-Headers";

    /// <summary>OPTIONS on a bucket or an object: 200 with the first matching rule's headers, else S3's refusal.</summary>
    public async Task PreflightAsync(S3Request s3)
    {
        var origin = s3.Header("Origin") ?? throw new S3Exception(S3ErrorCode.BadRequest, "Insufficient information. Origin request header needed.");
        var method = s3.Header(RequestMethod);
        var (bucketFound, configuration) = await LoadAsync(s3).ConfigureAwait(false);
        if (!bucketFound) throw Forbidden("CORSResponse: Bucket not found", method ?? "OPTIONS", "BUCKET");
        if (configuration is null) throw Forbidden("CORSResponse: CORS is not enabled for this bucket.", method ?? "OPTIONS", "BUCKET");
        if (method is null) throw new S3Exception(S3ErrorCode.BadRequest, "Invalid Access-Control-Request-Method: null");
        var match = configuration.Match(origin, method, RequestedHeaders(s3.Request))
            ?? throw Forbidden(
                "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / " +
                "Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
                method, s3.Key is null ? "BUCKET" : "OBJECT");
        foreach (var (name, value) in match.Headers()) s3.Response.Headers[name] = value;
        s3.Response.StatusCode = 200;
        s3.Response.ContentLength = 0;
    }

    /// <summary>
    /// A request with an Origin to a bucket with a matching rule gets that rule's headers when its response starts,
    /// whatever the response (an error's headers are cleared before it is written; these are added after). The method
    /// matched is the request's own, or the Access-Control-Request-Method it names; its headers are not checked.
    /// </summary>
    public async Task AnnotateAsync(S3Request s3)
    {
        if (s3.Header("Origin") is not { } origin) return;
        var (_, configuration) = await LoadAsync(s3).ConfigureAwait(false);
        if (configuration?.Match(origin, s3.Header(RequestMethod) ?? s3.Request.Method, []) is not { } match) return;
        var response = s3.Response;
        response.OnStarting(() =>
        {
            foreach (var (name, value) in match.Headers()) response.Headers[name] = value;
            return Task.CompletedTask;
        });
    }

    private async Task<(bool BucketFound, CorsConfiguration? Configuration)> LoadAsync(S3Request s3)
    {
        if (s3.Bucket is not { } bucket || !BucketName.IsValid(bucket)) return (false, null);
        var (record, document) = await settings.GetAsync(bucket, BucketSetting.Cors.Name, s3.Aborted).ConfigureAwait(false);
        return (record is not null, document is null ? null : CorsConfiguration.Parse(S3XmlBody.Parse(System.Text.Encoding.UTF8.GetBytes(document))));
    }

    /// <summary>Access-Control-Request-Headers: a comma-separated list, empty items ignored.</summary>
    private static string[] RequestedHeaders(HttpRequest request) =>
        request.Headers[RequestHeaders].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static S3Exception Forbidden(string message, string method, string resourceType) => new(S3ErrorCode.AccessForbidden, message)
    {
        Details = new Dictionary<string, string> { ["Method"] = method, ["ResourceType"] = resourceType },
    };
}
