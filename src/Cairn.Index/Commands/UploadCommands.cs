using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>CreateMultipartUpload: the upload id is assigned at apply.</summary>
public sealed record CreateUpload(string Bucket, string Key, UploadRecord Draft, string Nonce) : IndexCommand<UploadRecord>, IObjectCommand;

/// <summary>UploadPart: a part number uploaded again replaces the earlier part, whose bytes are freed.</summary>
public sealed record PutPart(string Bucket, string Key, string UploadId, PartRecord Part) : IndexCommand<Done>, IObjectCommand;

/// <summary>
/// CompleteMultipartUpload: one version over the chosen parts' blobs, the pointer flip, the upload retired
/// and its unlisted parts freed. The front door stitched <see cref="Draft"/> from the parts it read; the
/// apply checks they are still those parts. A retry of a completed upload with the same manifest
/// answers the first result.
/// </summary>
public sealed record CompleteUpload(string Bucket, string Key, string UploadId, VersionRecord Draft, string ManifestDigest, string Nonce)
    : IndexCommand<VersionRecord>, IObjectCommand
{
    public ObjectCondition? Condition { get; init; }
}

/// <summary>AbortMultipartUpload (or lifecycle's abort rule): the upload and every part's bytes go.</summary>
public sealed record AbortUpload(string Bucket, string Key, string UploadId) : IndexCommand<Done>, IObjectCommand
{
    public string Reason { get; init; } = "abort";
}
