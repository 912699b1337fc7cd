using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Encryption;

/// <summary>
/// The encryption headers S3 answers for an encrypted object (PUT, GET, HEAD, Copy, CreateMultipartUpload, UploadPart,
/// Complete): x-amz-server-side-encryption, and for SSE-KMS the key's ARN (and the bucket key when asked for); for SSE-C
/// the customer algorithm and the MD5 of the key the request gave, never the key.
/// </summary>
public static class EncryptionHeaders
{
    public static void Write(HttpResponse response, ObjectEncryption? encryption, CustomerKey? customer, bool withContext = false)
    {
        if (encryption is null) return;
        var h = response.Headers;
        if (encryption.CustomerKey)
        {
            h["x-amz-server-side-encryption-customer-algorithm"] = encryption.Algorithm;
            if (customer is not null) h["x-amz-server-side-encryption-customer-key-MD5"] = customer.KeyMd5;
            return;
        }
        h["x-amz-server-side-encryption"] = encryption.Algorithm;
        if (encryption.KmsKeyArn is { } arn) h["x-amz-server-side-encryption-aws-kms-key-id"] = arn;
        if (withContext && encryption.KmsContext is { } context) h["x-amz-server-side-encryption-context"] = context;
        if (encryption.BucketKeyEnabled) h["x-amz-server-side-encryption-bucket-key-enabled"] = "true";
    }
}
