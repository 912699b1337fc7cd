using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Refuses requests that ask for protection Cairn does not give (encryption, Requester Pays), before a byte
/// is stored: a client must never believe its data is encrypted when it is not (invariant 9). A value that
/// asks for nothing beyond the default passes; a value S3 does not know gets S3's error for it; any other is
/// 501 NotImplemented. ACL headers are read, and honoured or refused, by <see cref="Acl.AclHeaders"/>.
/// </summary>
public static class UnsupportedFeatures
{
    private const string Encryption = "Server-side encryption";

    private static readonly FeatureHeader[] CustomerKey = CustomerKeyHeaders("x-amz-server-side-encryption");
    private static readonly FeatureHeader[] CopySourceCustomerKey = CustomerKeyHeaders("x-amz-copy-source-server-side-encryption");

    /// <summary>What PutObject, CopyObject (for its destination) and CreateMultipartUpload may ask of the object they create.</summary>
    private static readonly FeatureHeader[] ObjectWrite =
    [
        new("x-amz-server-side-encryption", Encryption)
        {
            Known = ["AES256", "aws:kms", "aws:kms:dsse"],
            InvalidMessage = "The encryption method specified is not supported",
        },
        new("x-amz-server-side-encryption-aws-kms-key-id", Encryption),
        new("x-amz-server-side-encryption-context", Encryption),
        new("x-amz-server-side-encryption-bucket-key-enabled", Encryption) { Harmless = ["false"] },
        .. CustomerKey,
        new("x-amz-request-payer", "Requester Pays"),
    ];

    /// <summary>A part is encrypted as its upload is; an upload never is, so a part that brings a customer key asks for encryption.</summary>
    private static readonly FeatureHeader[] PartWrite = [.. CustomerKey, new("x-amz-request-payer", "Requester Pays")];

    /// <summary>PutObject, CopyObject and CreateMultipartUpload: throws unless the request asks only for what Cairn gives.</summary>
    public static void CheckObjectWrite(HttpRequest request) => Check(request.Headers, ObjectWrite);

    /// <summary>PostObject: the same, of the form's fields.</summary>
    public static void CheckObjectWrite(IHeaderDictionary fields) => Check(fields, ObjectWrite);

    /// <summary>UploadPart and UploadPartCopy.</summary>
    public static void CheckPartWrite(HttpRequest request) => Check(request.Headers, PartWrite);

    /// <summary>
    /// GetObject and HeadObject: a customer key reads an SSE-C object, and no object here is one, so S3's
    /// answer for an unencrypted object applies (400 InvalidRequest) rather than serving bytes as if decrypted.
    /// </summary>
    public static void CheckObjectRead(HttpRequest request) => RefuseCustomerKey(request, CustomerKey);

    /// <summary>CopyObject and UploadPartCopy: a customer key for the source, which is never SSE-C encrypted.</summary>
    public static void CheckCopySource(HttpRequest request) => RefuseCustomerKey(request, CopySourceCustomerKey);

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

    private static void RefuseCustomerKey(HttpRequest request, FeatureHeader[] customerKey)
    {
        if (customerKey.Any(h => request.Headers[h.Name].ToString().Length > 0))
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
    }

    /// <summary>SSE-C's three headers (algorithm, key, key MD5) under a prefix: the object's own, or the copy source's.</summary>
    private static FeatureHeader[] CustomerKeyHeaders(string prefix) =>
    [
        new(prefix + "-customer-algorithm", Encryption + " with customer-provided keys")
        {
            Known = ["AES256"],
            InvalidCode = S3ErrorCode.InvalidArgument with { Code = "InvalidEncryptionAlgorithmError" },
            InvalidMessage = "The Encryption request you specified is not valid. Supported value: AES256.",
        },
        new(prefix + "-customer-key", Encryption + " with customer-provided keys"),
        new(prefix + "-customer-key-MD5", Encryption + " with customer-provided keys"),
    ];

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
