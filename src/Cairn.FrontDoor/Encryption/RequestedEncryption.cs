using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cairn.Core.Errors;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Encryption;

/// <summary>An SSE-C key as a request gives it: the 256-bit key and the base64 MD5 the client computed of it (checked).</summary>
public sealed record CustomerKey(byte[] Key, string KeyMd5)
{
    public const string Prefix = "x-amz-server-side-encryption";
    public const string CopySourcePrefix = "x-amz-copy-source-server-side-encryption";

    /// <summary>
    /// The customer key in the headers under <paramref name="prefix"/> (the object's, or the copy source's); null when none of
    /// the three is sent. Incomplete or inconsistent headers are S3's 400 InvalidArgument; over plain HTTP, 400 InvalidRequest.
    /// </summary>
    public static CustomerKey? From(IHeaderDictionary headers, bool secure, string prefix = Prefix)
    {
        var algorithm = headers[prefix + "-customer-algorithm"].ToString();
        var key = headers[prefix + "-customer-key"].ToString();
        var md5 = headers[prefix + "-customer-key-MD5"].ToString();
        if (algorithm.Length == 0 && key.Length == 0 && md5.Length == 0) return null;
        if (!secure)
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.");
        if (algorithm.Length == 0)
            throw Invalid(prefix + "-customer-algorithm", "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.");
        if (algorithm != "AES256")
            throw new S3Exception(S3ErrorCode.InvalidArgument with { Code = "InvalidEncryptionAlgorithmError" },
                "The Encryption request you specified is not valid. Supported value: AES256.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = prefix + "-customer-algorithm", ["ArgumentValue"] = algorithm },
            };
        if (key.Length == 0)
            throw Invalid(prefix + "-customer-key", "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.");
        if (md5.Length == 0)
            throw Invalid(prefix + "-customer-key-MD5", "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.");
        var bytes = new byte[64];
        if (!Convert.TryFromBase64String(key, bytes, out var length) || length != 32)
            throw Invalid(prefix + "-customer-key", "The secret key was invalid for the specified algorithm.");
        var keyBytes = bytes[..32];
        if (Convert.ToBase64String(MD5.HashData(keyBytes)) != md5)
            throw Invalid(prefix + "-customer-key-MD5", "The calculated MD5 hash of the key did not match the hash that was provided.");
        return new CustomerKey(keyBytes, md5);
    }

    internal static S3Exception Invalid(string header, string message) =>
        new(S3ErrorCode.InvalidArgument, message) { Details = new Dictionary<string, string> { ["ArgumentName"] = header } };
}

/// <summary>
/// What a write asks for (PutObject, CopyObject for its destination, CreateMultipartUpload, a POST form's fields):
/// SSE-S3 (AES256), SSE-KMS (aws:kms, a key, a context, a bucket key) or SSE-C (a customer key); nothing, when the
/// bucket's default applies.
/// </summary>
public sealed record RequestedEncryption(string? Algorithm, string? KmsKeyId, string? KmsContext, bool BucketKeyEnabled, CustomerKey? Customer)
{
    public static readonly RequestedEncryption None = new(null, null, null, false, null);

    public bool IsNone => Algorithm is null && Customer is null;

    public static RequestedEncryption From(HttpRequest request) => From(request.Headers, request.IsHttps);

    public static RequestedEncryption From(IHeaderDictionary headers, bool secure)
    {
        var algorithm = headers["x-amz-server-side-encryption"].ToString().Trim();
        var keyId = headers["x-amz-server-side-encryption-aws-kms-key-id"].ToString().Trim();
        var context = headers["x-amz-server-side-encryption-context"].ToString().Trim();
        var bucketKey = headers["x-amz-server-side-encryption-bucket-key-enabled"].ToString().Trim();
        var customer = CustomerKey.From(headers, secure);
        if (algorithm.Length > 0 && algorithm is not (ObjectEncryption.Aes256 or ObjectEncryption.Kms or "aws:kms:dsse"))
            throw new S3Exception(S3ErrorCode.InvalidArgument, "The encryption method specified is not supported")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-server-side-encryption", ["ArgumentValue"] = algorithm },
            };
        if (algorithm == "aws:kms:dsse")
            throw new S3Exception(S3ErrorCode.NotImplemented, "Dual-layer server-side encryption (aws:kms:dsse) is not supported: the request was refused and nothing was stored.");
        if (customer is not null && algorithm.Length > 0)
            throw CustomerKey.Invalid("x-amz-server-side-encryption", "Server Side Encryption with Customer provided key is incompatible with the encryption method specified");
        if ((keyId.Length > 0 || context.Length > 0) && algorithm != ObjectEncryption.Kms)
            throw CustomerKey.Invalid(keyId.Length > 0 ? "x-amz-server-side-encryption-aws-kms-key-id" : "x-amz-server-side-encryption-context",
                "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms");
        if (bucketKey.Length > 0 && !bool.TryParse(bucketKey, out _))
            throw CustomerKey.Invalid("x-amz-server-side-encryption-bucket-key-enabled", "The header 'x-amz-server-side-encryption-bucket-key-enabled' shall be either 'true' or 'false'.");
        if (context.Length > 0) CheckContext(context);
        return new RequestedEncryption(algorithm.Length > 0 ? algorithm : customer is null ? null : ObjectEncryption.Aes256, keyId.Length > 0 ? keyId : null,
            context.Length > 0 ? context : null, string.Equals(bucketKey, "true", StringComparison.OrdinalIgnoreCase), customer);
    }

    /// <summary>An encryption context is base64 of a JSON object of string values, as S3 requires.</summary>
    private static void CheckContext(string context)
    {
        try
        {
            using var json = JsonDocument.Parse(Convert.FromBase64String(context));
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.String)) return;
        }
        catch (Exception e) when (e is FormatException or JsonException) { }
        throw CustomerKey.Invalid("x-amz-server-side-encryption-context", "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map");
    }

    /// <summary>The context's pairs sorted by key, for a sealing purpose that does not depend on how the JSON was spelled.</summary>
    public static string CanonicalContext(string? context)
    {
        if (context is null) return "";
        using var json = JsonDocument.Parse(Convert.FromBase64String(context));
        var pairs = json.RootElement.EnumerateObject().Select(p => (p.Name, Value: p.Value.GetString()!)).OrderBy(p => p.Name, StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var (name, value) in pairs) text.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        return text.ToString();
    }
}
