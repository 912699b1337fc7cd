using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Refuses requests that ask for what Cairn does not give (Requester Pays), before a byte is stored: a client must
/// never believe it got what it asked for when it did not (invariant 9). Encryption headers are read, and honoured
/// or refused, by Encryption.RequestedEncryption; ACL headers by <see cref="Acl.AclHeaders"/>.
/// </summary>
public static class UnsupportedFeatures
{

    /// <summary>What PutObject, CopyObject (for its destination) and CreateMultipartUpload may ask of the object they create.</summary>
    private static readonly FeatureHeader[] ObjectWrite =
    [
        new("x-amz-request-payer", "Requester Pays"),
    ];

    /// <summary>A part is encrypted as its upload is (Encryption.DataKeys checks a customer key it brings).</summary>
    private static readonly FeatureHeader[] PartWrite = [new("x-amz-request-payer", "Requester Pays")];

    /// <summary>PutObject, CopyObject and CreateMultipartUpload: throws unless the request asks only for what Cairn gives.</summary>
    public static void CheckObjectWrite(HttpRequest request) => Check(request.Headers, ObjectWrite);

    /// <summary>PostObject: the same, of the form's fields.</summary>
    public static void CheckObjectWrite(IHeaderDictionary fields) => Check(fields, ObjectWrite);

    /// <summary>UploadPart and UploadPartCopy.</summary>
    public static void CheckPartWrite(HttpRequest request) => Check(request.Headers, PartWrite);


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
