using System.Globalization;
using Cairn.Fuzz.Tests.Engine;
using Cairn.FrontDoor.ObjectLock;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Records;

namespace Cairn.Fuzz.Tests.Targets;

/// <summary>
/// The header parsers of the object operations, each fed the same request head independently: Range (against an
/// object whose size the X-Fuzz-Size header gives), the conditional headers of GET and of a copy source, the copy
/// source itself, the checksum headers, x-amz-tagging, the Object Lock headers, GetObjectAttributes' headers, the
/// conditional-write headers and the headers Cairn refuses as unsupported.
/// </summary>
public sealed class RequestHeadersTarget : FuzzTarget
{
    private static readonly VersionRecord Version = new()
    {
        VersionId = "null",
        Sequence = 1,
        LastModified = new DateTimeOffset(2026, 11, 23, 8, 24, 10, TimeSpan.Zero),
        Size = 1000,
        ETag = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"",
    };

    public override string Name => "request-headers";

    /// <summary>The account's canonical id, the only one an ACL grant may name.</summary>
    private const string AclOwner = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

    protected override IEnumerable<string> Words =>
    [
        "\r\n", ": ", ",", ";", "-", "=", "*", "W/", "\"", "bytes=", "bytes=-", "bytes=0-", "X-Fuzz-Size: ", "Range: ", "If-Match: ",
        "If-None-Match: ", "If-Modified-Since: ", "If-Unmodified-Since: ", "x-amz-copy-source: ", "x-amz-copy-source-if-match: ",
        "x-amz-copy-source-if-modified-since: ", "x-amz-checksum-crc32: ", "x-amz-checksum-sha256: ", "x-amz-checksum-crc64nvme: ",
        "x-amz-sdk-checksum-algorithm: ", "x-amz-checksum-algorithm: ", "x-amz-trailer: ", "x-amz-tagging: ", "x-amz-object-lock-mode: ",
        "x-amz-object-lock-retain-until-date: ", "x-amz-object-lock-legal-hold: ", "x-amz-object-attributes: ", "x-amz-max-parts: ",
        "x-amz-part-number-marker: ", "x-amz-server-side-encryption: ", "x-amz-server-side-encryption-customer-algorithm: ",
        "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "%", "%2F", "?versionId=", "CRC32", "SHA256", "CRC64NVME",
        "GOVERNANCE", "COMPLIANCE", "ON", "ETag", "ObjectParts", "9999-12-31T23:59:59Z",
    ];

    public override Task RunAsync(byte[] input)
    {
        var raw = RawRequest.Parse(input);
        var request = raw.ToHttpRequest();
        string? Header(string name) => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
        long size = long.TryParse(Header("X-Fuzz-Size"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : Version.Size;
        var s3 = new S3Request(request.HttpContext, S3Operation.GetObjectAttributes, "bucket", "key");

        Verdict.Each(
            () => CheckRange(Header("Range"), size),
            () => Preconditions.CheckRead(Header, Version),
            () => Preconditions.CheckCopySource(Header, Version),
            () => { if (Header("x-amz-copy-source") is { } source) CopySource.Parse(source); },
            () => ChecksumRequest.From(request),
            () => ChecksumRequest.Algorithm(Header("x-amz-checksum-algorithm")),
            () => ObjectTags.FromHeader(request),
            () => ObjectLockHeaders.Read(request),
            () => ObjectAttributesRequest.Parse(s3),
            () => WriteConditions.ForWrite(s3),
            () => UnsupportedFeatures.CheckObjectWrite(request),
            () => Cairn.FrontDoor.Acl.AclHeaders.Read(request.Headers, AclOwner, Cairn.FrontDoor.Acl.AclTarget.Object),
            () => Cairn.FrontDoor.Acl.OwnershipControls.ForNewBucket(request.Headers, AclOwner),
            () => Cairn.FrontDoor.Encryption.RequestedEncryption.From(request.Headers, secure: true),
            () => Cairn.FrontDoor.Encryption.CustomerKey.From(request.Headers, secure: true, Cairn.FrontDoor.Encryption.CustomerKey.CopySourcePrefix),
            () => ObjectHeaders.UserMetadata(request));
        return Task.CompletedTask;
    }

    /// <summary>A range that parses must lie inside the object: the reader trusts it.</summary>
    private static void CheckRange(string? header, long size)
    {
        if (ByteRange.Parse(header, size) is not { } range) return;
        if (range.First < 0 || range.Last >= size || range.Length <= 0)
            throw new InvalidOperationException($"Range {header} over {size} bytes gave {range.First}-{range.Last}");
    }
}
