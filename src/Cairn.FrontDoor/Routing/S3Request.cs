using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Routing;

/// <summary>A request after addressing has been resolved: which bucket, which key, which operation.</summary>
public sealed record S3Request(HttpContext Http, S3Operation Operation, string? Bucket, string? Key)
{
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public IQueryCollection Query => Http.Request.Query;
    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The verified, decoded payload (aws-chunked unwrapped, signatures and hashes checked as it is read).</summary>
    public Cairn.Auth.PayloadStream Payload { get; set; } = null!;

    /// <summary>Who asks, and what they may do: set once the request is authorized, before its handler runs.</summary>
    public Authorization.RequestAuthorization Authorization { get; set; } = null!;

    /// <summary>
    /// The request's bucket (NoSuchBucket when there is none), read once per request and shared by the authorization
    /// and the handler.
    /// </summary>
    public Task<Authorization.BucketAccess> BucketAsync() => Authorization.BucketAsync(Bucket!);

    /// <summary>The resource named in error XML, as S3 does (/bucket/key).</summary>
    public string Resource => Key is null ? "/" + Bucket : $"/{Bucket}/{Key}";

    public string? Header(string name)
    {
        var value = Http.Request.Headers[name];
        return value.Count == 0 ? null : value.ToString();
    }
}
