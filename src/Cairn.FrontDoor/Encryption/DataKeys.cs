using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Encryption;
using Cairn.Core.Errors;
using Cairn.Core.Secrets;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Encryption;

/// <summary>A new object's (or upload's) encryption: the record the index keeps, and the data key its bytes are sealed with.</summary>
public sealed record ObjectSealing(ObjectEncryption Record, byte[] DataKey, CustomerKey? Customer)
{
    /// <summary>The same data key described for another place: the data key and its sealing are shared, nothing else changes.</summary>
    public static ObjectSealing? Of(ObjectEncryption? record, byte[]? dataKey, CustomerKey? customer) =>
        record is null ? null : new ObjectSealing(record, dataKey!, customer);
}

/// <summary>
/// Makes and opens the data keys of encrypted objects. SSE-S3 and SSE-KMS data keys are sealed by the master key ring
/// (a KMS data key with a purpose naming the key's ARN and the encryption context, so a record whose key or context
/// was changed does not open); an SSE-C data key is wrapped by the customer's key alone (AES-256-GCM), so only that
/// key opens it — a wrong key is refused with 403 and the customer's key is never stored.
/// </summary>
public sealed class DataKeys(MasterKeyRing master, KmsKeyRing kms, FrontDoorOptions options)
{
    private const string SseS3Purpose = "sse-s3:data-key";
    private static readonly byte[] CustomerPurpose = Encoding.ASCII.GetBytes("sse-c:data-key");

    /// <summary>
    /// A fresh data key for what the request asks, or (it asks nothing) for the bucket's default encryption; null when neither
    /// asks for encryption (only with --default-encryption none and no bucket configuration).
    /// </summary>
    public ObjectSealing? Create(RequestedEncryption requested, string? bucketDefault)
    {
        if (requested.IsNone) requested = BucketEncryption.Default(bucketDefault, options.EncryptByDefault);
        if (requested.IsNone) return null;
        var dataKey = SealedBlocks.NewDataKey();
        if (requested.Customer is { } customer)
            return new ObjectSealing(new ObjectEncryption { Algorithm = ObjectEncryption.Aes256, CustomerKey = true, SealedDataKey = Wrap(customer.Key, dataKey) },
                dataKey, customer);
        if (requested.Algorithm == ObjectEncryption.Kms)
        {
            var arn = kms.Resolve(requested.KmsKeyId);
            var record = new ObjectEncryption
            {
                Algorithm = ObjectEncryption.Kms,
                KmsKeyArn = arn,
                KmsContext = requested.KmsContext,
                BucketKeyEnabled = requested.BucketKeyEnabled,
                SealedDataKey = master.Seal(dataKey, KmsPurpose(arn, requested.KmsContext)),
            };
            return new ObjectSealing(record, dataKey, null);
        }
        return new ObjectSealing(new ObjectEncryption { Algorithm = ObjectEncryption.Aes256, SealedDataKey = master.Seal(dataKey, SseS3Purpose) }, dataKey, null);
    }

    /// <summary>
    /// The data key of a stored object about to be read, with the customer key the request gives under
    /// <paramref name="prefix"/> (the object's headers, or the copy source's): null for an unencrypted object. An SSE-C
    /// object needs its key (400 without, 403 with another); a customer key for another object is 400, as in S3.
    /// </summary>
    public byte[]? Open(ObjectEncryption? encryption, HttpRequest request, string prefix = CustomerKey.Prefix) =>
        Open(encryption, CustomerKey.From(request.Headers, request.IsHttps, prefix));

    public byte[]? Open(ObjectEncryption? encryption, CustomerKey? customer)
    {
        if (encryption is null || !encryption.CustomerKey)
        {
            if (customer is not null) throw new S3Exception(S3ErrorCode.InvalidRequest, "The encryption parameters are not applicable to this object.");
            return encryption is null ? null : OpenSealed(encryption);
        }
        if (customer is null)
            throw new S3Exception(S3ErrorCode.InvalidRequest,
                "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
        return Unwrap(customer.Key, encryption.SealedDataKey) ?? throw new S3Exception(S3ErrorCode.AccessDenied);
    }

    /// <summary>The data key of an object whose key Cairn holds (SSE-S3, SSE-KMS), for work no request carries a customer key to.</summary>
    private byte[] OpenSealed(ObjectEncryption encryption) => encryption.Algorithm == ObjectEncryption.Kms
        ? master.Open(encryption.SealedDataKey, KmsPurpose(encryption.KmsKeyArn!, encryption.KmsContext))
        : master.Open(encryption.SealedDataKey, SseS3Purpose);

    private static string KmsPurpose(string arn, string? context) => $"sse-kms:{arn}:{RequestedEncryption.CanonicalContext(context)}";

    private static byte[] Wrap(byte[] customerKey, byte[] dataKey)
    {
        var wrapped = new byte[12 + 16 + dataKey.Length];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, 12));
        using var aes = new AesGcm(customerKey, 16);
        aes.Encrypt(wrapped.AsSpan(0, 12), dataKey, wrapped.AsSpan(28), wrapped.AsSpan(12, 16), CustomerPurpose);
        return wrapped;
    }

    private static byte[]? Unwrap(byte[] customerKey, byte[] wrapped)
    {
        if (wrapped.Length != 12 + 16 + SealedBlocks.KeySize) return null;
        var dataKey = new byte[SealedBlocks.KeySize];
        using var aes = new AesGcm(customerKey, 16);
        try
        {
            aes.Decrypt(wrapped.AsSpan(0, 12), wrapped.AsSpan(28), wrapped.AsSpan(12, 16), dataKey, CustomerPurpose);
            return dataKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
