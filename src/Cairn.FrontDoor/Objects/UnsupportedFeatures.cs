using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Refuses requests that ask for protection Cairn does not give (ACL grants, Requester Pays),
/// before a byte is stored: a client must never believe its data is encrypted or public when it is not
/// (invariant 9). A value that asks for nothing beyond
/// the default (<c>x-amz-acl: private</c>) passes; a value S3 does not know gets S3's error for it;
/// any other is 501 NotImplemented.
/// </summary>
public static class UnsupportedFeatures
{
    private const string Acls = "Access control lists";

    private static readonly FeatureHeader[] Grants =
    [
        .. new[] { "read", "write", "read-acp", "write-acp", "full-control" }.Select(g => new FeatureHeader("x-amz-grant-" + g, Acls)),
    ];

    private static readonly FeatureHeader ObjectCannedAcl = new("x-amz-acl", Acls)
    {
        // The owner holds FULL_CONTROL and no one else has access: what every Cairn object is.
        Harmless = ["private", "bucket-owner-full-control"],
        Known = ["private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"],
    };

    // The bucket-owner-* ACLs are for objects: S3 ignores them on CreateBucket, so they grant nothing there.
    private static readonly FeatureHeader BucketCannedAcl = ObjectCannedAcl with { Harmless = ["private", "bucket-owner-read", "bucket-owner-full-control"] };

    /// <summary>What PutObject, CopyObject (for its destination) and CreateMultipartUpload may ask of the object they create.</summary>
    private static readonly FeatureHeader[] ObjectWrite =
    [
        ObjectCannedAcl,
        .. Grants,
        new("x-amz-request-payer", "Requester Pays"),
    ];

    /// <summary>A part is encrypted as its upload is (Encryption.DataKeys checks a customer key it brings).</summary>
    private static readonly FeatureHeader[] PartWrite = [new("x-amz-request-payer", "Requester Pays")];

    private static readonly FeatureHeader[] BucketCreation =
    [
        BucketCannedAcl,
        .. Grants,
    ];

    /// <summary>PutObject, CopyObject and CreateMultipartUpload: throws unless the request asks only for what Cairn gives.</summary>
    public static void CheckObjectWrite(HttpRequest request) => Check(request.Headers, ObjectWrite);

    /// <summary>PostObject: the same, of the form's fields (its "acl" field given as x-amz-acl).</summary>
    public static void CheckObjectWrite(IHeaderDictionary fields) => Check(fields, ObjectWrite);

    /// <summary>UploadPart and UploadPartCopy.</summary>
    public static void CheckPartWrite(HttpRequest request) => Check(request.Headers, PartWrite);

    public static void CheckBucketCreation(HttpRequest request) => Check(request.Headers, BucketCreation);

    private static void Check(IHeaderDictionary request, FeatureHeader[] headers)
    {
        foreach (var header in headers)
        {
            var value = request[header.Name].ToString().Trim();
            if (value.Length == 0 || header.Harmless.Contains(value, StringComparer.OrdinalIgnoreCase)) continue;
            if (header.Known is { } known && !known.Contains(value, StringComparer.OrdinalIgnoreCase))
                throw new S3Exception(header.InvalidCode, header.InvalidMessage)
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = header.Name, ["ArgumentValue"] = value },
                };
            throw new S3Exception(S3ErrorCode.NotImplemented, $"{header.Feature} is not supported: the request was refused ({header.Name}) and nothing was stored.");
        }
    }

    /// <summary>
    /// A header that asks for <paramref name="Feature"/>. Values in Harmless ask for nothing; when Known is
    /// set, a value outside it is S3's error for an invalid value (InvalidArgument unless said otherwise).
    /// </summary>
    private sealed record FeatureHeader(string Name, string Feature)
    {
        public string[] Harmless { get; init; } = [];
        public string[]? Known { get; init; }
        public S3ErrorCode InvalidCode { get; init; } = S3ErrorCode.InvalidArgument;
        public string? InvalidMessage { get; init; }
    }
}
