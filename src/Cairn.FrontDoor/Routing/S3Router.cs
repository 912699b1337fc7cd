using Cairn.Core.Names;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.FrontDoor.Routing;

/// <summary>
/// Resolves path-style (/bucket/key) and virtual-hosted-style (bucket.domain/key) addressing and
/// names the operation from the method and the query's subresources. Subresources Cairn does not
/// serve name NotImplemented, so they answer 501 rather than being mistaken for a plain GET.
/// </summary>
public sealed class S3Router(IReadOnlyList<string> domains)
{
    private static readonly HashSet<string> UnsupportedBucketSubresources = new(StringComparer.Ordinal)
    {
        "accelerate", "analytics", "cors", "intelligent-tiering", "inventory",
        "metrics", "notification", "replication", "requestPayment", "tagging", "website", "session",
    };

    private static readonly HashSet<string> UnsupportedObjectSubresources = new(StringComparer.Ordinal)
    {
        "select", "torrent",
    };

    /// <summary>Bucket configurations served whole as one document each: a subresource's GET, PUT and DELETE.</summary>
    private static readonly (string Subresource, S3Operation Get, S3Operation Put, S3Operation Delete)[] BucketSettings =
    [
        ("tagging", S3Operation.GetBucketTagging, S3Operation.PutBucketTagging, S3Operation.DeleteBucketTagging),
        ("cors", S3Operation.GetBucketCors, S3Operation.PutBucketCors, S3Operation.DeleteBucketCors),
        ("website", S3Operation.GetBucketWebsite, S3Operation.PutBucketWebsite, S3Operation.DeleteBucketWebsite),
        ("accelerate", S3Operation.GetBucketAccelerateConfiguration, S3Operation.PutBucketAccelerateConfiguration, S3Operation.NotImplemented),
        ("requestPayment", S3Operation.GetBucketRequestPayment, S3Operation.PutBucketRequestPayment, S3Operation.NotImplemented),
        ("acl", S3Operation.GetBucketAcl, S3Operation.PutBucketAcl, S3Operation.NotImplemented),
        ("ownershipControls", S3Operation.GetBucketOwnershipControls, S3Operation.PutBucketOwnershipControls, S3Operation.DeleteBucketOwnershipControls),
        ("policy", S3Operation.GetBucketPolicy, S3Operation.PutBucketPolicy, S3Operation.DeleteBucketPolicy),
        ("policyStatus", S3Operation.GetBucketPolicyStatus, S3Operation.NotImplemented, S3Operation.NotImplemented),
        ("publicAccessBlock", S3Operation.GetPublicAccessBlock, S3Operation.PutPublicAccessBlock, S3Operation.DeletePublicAccessBlock),
        ("encryption", S3Operation.GetBucketEncryption, S3Operation.PutBucketEncryption, S3Operation.DeleteBucketEncryption),
        ("logging", S3Operation.GetBucketLogging, S3Operation.PutBucketLogging, S3Operation.NotImplemented),
    ];

    public S3Request Route(HttpContext http)
    {
        var (bucket, key) = Address(http.Request);
        return new S3Request(http, Operation(http.Request, bucket, key), bucket, key);
    }

    private (string? Bucket, string? Key) Address(HttpRequest request)
    {
        var path = DecodedPath(request);
        var host = request.Host.Host;
        foreach (var domain in domains)
        {
            if (host.Length > domain.Length + 1 && host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
            {
                var hostedBucket = host[..^(domain.Length + 1)];
                var objectKey = path.Length > 1 ? path[1..] : null;
                return (hostedBucket, objectKey);
            }
        }
        if (path.Length <= 1) return (null, null);
        var slash = path.IndexOf('/', 1);
        if (slash < 0) return (path[1..], null);
        var keyPart = path[(slash + 1)..];
        return (path[1..slash], keyPart.Length == 0 ? null : keyPart);
    }

    /// <summary>The path with percent-escapes decoded once, from the raw target (Kestrel's Path would
    /// already have collapsed some sequences S3 keeps literally, such as %2F).</summary>
    public static string DecodedPath(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var q = raw.IndexOf('?');
        if (q >= 0) raw = raw[..q];
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var afterScheme = raw.IndexOf("//", StringComparison.Ordinal) + 2;
            var pathStart = raw.IndexOf('/', afterScheme);
            raw = pathStart < 0 ? "/" : raw[pathStart..];
        }
        return Uri.UnescapeDataString(raw);
    }

    private static S3Operation Operation(HttpRequest request, string? bucket, string? key)
    {
        var q = request.Query;
        var method = request.Method;
        if (bucket is null)
            return method == "GET" ? S3Operation.ListBuckets : S3Operation.NotImplemented;
        if (method == "OPTIONS") return S3Operation.CorsPreflight;

        if (key is null)
        {
            if (q.ContainsKey("location")) return method == "GET" ? S3Operation.GetBucketLocation : S3Operation.NotImplemented;
            if (q.ContainsKey("versioning"))
                return method switch { "GET" => S3Operation.GetBucketVersioning, "PUT" => S3Operation.PutBucketVersioning, _ => S3Operation.NotImplemented };
            if (q.ContainsKey("versions")) return method == "GET" ? S3Operation.ListObjectVersions : S3Operation.NotImplemented;
            if (q.ContainsKey("delete")) return method == "POST" ? S3Operation.DeleteObjects : S3Operation.NotImplemented;
            if (q.ContainsKey("uploads")) return method == "GET" ? S3Operation.ListMultipartUploads : S3Operation.NotImplemented;
            if (q.ContainsKey("lifecycle"))
                return method switch
                {
                    "PUT" => S3Operation.PutBucketLifecycleConfiguration,
                    "GET" => S3Operation.GetBucketLifecycleConfiguration,
                    "DELETE" => S3Operation.DeleteBucketLifecycle,
                    _ => S3Operation.NotImplemented,
                };
            foreach (var (subresource, get, put, delete) in BucketSettings)
                if (q.ContainsKey(subresource))
                    return method switch { "GET" => get, "PUT" => put, "DELETE" => delete, _ => S3Operation.NotImplemented };
            if (q.ContainsKey("object-lock"))
                return method switch { "PUT" => S3Operation.PutObjectLockConfiguration, "GET" => S3Operation.GetObjectLockConfiguration, _ => S3Operation.NotImplemented };
            if (q.Keys.Any(UnsupportedBucketSubresources.Contains)) return S3Operation.NotImplemented;
            return method switch
            {
                "PUT" => S3Operation.CreateBucket,
                "HEAD" => S3Operation.HeadBucket,
                "DELETE" => S3Operation.DeleteBucket,
                "GET" => q["list-type"] == "2" ? S3Operation.ListObjectsV2 : S3Operation.ListObjects,
                // A browser form upload; its handler answers a body that is not multipart/form-data.
                "POST" => S3Operation.PostObject,
                _ => S3Operation.NotImplemented,
            };
        }

        if (q.Keys.Any(UnsupportedObjectSubresources.Contains)) return S3Operation.NotImplemented;
        if (q.ContainsKey("attributes")) return method == "GET" ? S3Operation.GetObjectAttributes : S3Operation.NotImplemented;
        if (q.ContainsKey("acl")) return method switch { "GET" => S3Operation.GetObjectAcl, "PUT" => S3Operation.PutObjectAcl, _ => S3Operation.NotImplemented };
        if (q.ContainsKey("restore")) return method == "POST" ? S3Operation.RestoreObject : S3Operation.NotImplemented;
        if (q.ContainsKey("retention"))
            return method switch { "PUT" => S3Operation.PutObjectRetention, "GET" => S3Operation.GetObjectRetention, _ => S3Operation.NotImplemented };
        if (q.ContainsKey("legal-hold"))
            return method switch { "PUT" => S3Operation.PutObjectLegalHold, "GET" => S3Operation.GetObjectLegalHold, _ => S3Operation.NotImplemented };
        if (q.ContainsKey("tagging"))
            return method switch
            {
                "GET" => S3Operation.GetObjectTagging,
                "PUT" => S3Operation.PutObjectTagging,
                "DELETE" => S3Operation.DeleteObjectTagging,
                _ => S3Operation.NotImplemented,
            };
        if (q.ContainsKey("uploads")) return method == "POST" ? S3Operation.CreateMultipartUpload : S3Operation.NotImplemented;
        if (q.ContainsKey("uploadId"))
            return method switch
            {
                "PUT" when q.ContainsKey("partNumber") => request.Headers.ContainsKey("x-amz-copy-source") ? S3Operation.UploadPartCopy : S3Operation.UploadPart,
                "POST" => S3Operation.CompleteMultipartUpload,
                "DELETE" => S3Operation.AbortMultipartUpload,
                "GET" => S3Operation.ListParts,
                _ => S3Operation.NotImplemented,
            };
        if (q.ContainsKey("partNumber") && method == "PUT") return S3Operation.NotImplemented;
        return method switch
        {
            "PUT" => request.Headers.ContainsKey("x-amz-copy-source") ? S3Operation.CopyObject : S3Operation.PutObject,
            "GET" => S3Operation.GetObject,
            "HEAD" => S3Operation.HeadObject,
            "DELETE" => S3Operation.DeleteObject,
            _ => S3Operation.NotImplemented,
        };
    }

    public static bool IsValidBucketName(string name) => BucketName.IsValid(name);
}
