using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Core.Blobs;

namespace Cairn.Index.Records;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BucketRecord))]
[JsonSerializable(typeof(VersionRecord))]
[JsonSerializable(typeof(BlobLayout))]
[JsonSerializable(typeof(BlobReference))]
[JsonSerializable(typeof(UploadRecord))]
[JsonSerializable(typeof(PartRecord))]
[JsonSerializable(typeof(Buckets.StoredLifecycle))]
[JsonSerializable(typeof(Billing.LedgerLine))]
[JsonSerializable(typeof(CompletedUploadRecord))]
[JsonSerializable(typeof(AccessControlList))]
[JsonSerializable(typeof(Commands.IndexCommand))]
[JsonSerializable(typeof(Commands.Done))]
[JsonSerializable(typeof(Commands.RestoreOutcome))]
[JsonSerializable(typeof(Identities.UserRecord))]
[JsonSerializable(typeof(Identities.AccessKeyRecord))]
[JsonSerializable(typeof(Identities.RoleRecord))]
[JsonSerializable(typeof(Identities.GroupRecord))]
[JsonSerializable(typeof(Identities.GroupMember))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(long))]
internal sealed partial class IndexJsonContext : JsonSerializerContext;

/// <summary>Serialises index records; the one place their stored format is decided.</summary>
internal static class IndexJson
{
    public static byte[] Encode(BucketRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.BucketRecord);
    public static byte[] Encode(VersionRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.VersionRecord);
    public static byte[] Encode(BlobLayout r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.BlobLayout);
    public static byte[] Encode(UploadRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.UploadRecord);
    public static byte[] Encode(PartRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.PartRecord);
    public static UploadRecord DecodeUpload(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.UploadRecord)!;
    public static PartRecord DecodePart(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.PartRecord)!;
    public static byte[] Encode(Billing.LedgerLine r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.LedgerLine);
    public static Billing.LedgerLine DecodeLedgerLine(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.LedgerLine)!;
    public static byte[] Encode(Buckets.StoredLifecycle r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.StoredLifecycle);
    public static Buckets.StoredLifecycle DecodeLifecycle(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.StoredLifecycle)!;
    public static byte[] Encode(BlobReference r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.BlobReference);

    public static byte[] Encode(CompletedUploadRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.CompletedUploadRecord);
    public static CompletedUploadRecord DecodeCompletedUpload(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.CompletedUploadRecord)!;

    public static BucketRecord DecodeBucket(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.BucketRecord)!;
    public static VersionRecord DecodeVersion(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.VersionRecord)!;
    public static BlobLayout DecodeBlob(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.BlobLayout)!;
    public static BlobReference DecodeReference(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.BlobReference)!;
}

/// <summary>Who references a blob: the GC frees only blobs with no reference.</summary>
public sealed record BlobReference(string Bucket, string Key, long Sequence, string? UploadId = null, int PartNumber = 0)
{
    /// <summary>The blob's current layout, so scrub and repair can walk blobs without reading every version.</summary>
    public BlobLayout? Layout { get; init; }
}
