using System.Globalization;
using Cairn.Core.Errors;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Lifecycle;

/// <summary>
/// Whether an archived version (GLACIER, DEEP_ARCHIVE) may be read now: only while a restored copy
/// is live. Also renders the x-amz-restore header HEAD and GET report.
/// </summary>
public sealed class ArchiveAccess(StorageClassTable classes, DayClock clock)
{
    public bool IsReadable(VersionRecord version) =>
        !classes[version.StorageClass].NeedsRestore || version.Restore?.StateAt(clock.Now) == RestoreState.Restored;

    /// <summary>GetObject, CopyObject and UploadPartCopy of an archived version without a live restored copy: 403 InvalidObjectState.</summary>
    public void RequireReadable(VersionRecord version)
    {
        if (IsReadable(version)) return;
        throw new S3Exception(S3ErrorCode.InvalidObjectState)
        {
            Details = new Dictionary<string, string> { ["StorageClass"] = version.StorageClass },
        };
    }

    public void WriteRestoreHeader(HttpResponse response, VersionRecord version)
    {
        if (version.Restore is not { } restore) return;
        var value = restore.StateAt(clock.Now) switch
        {
            RestoreState.Ongoing => "ongoing-request=\"true\"",
            RestoreState.Restored => $"ongoing-request=\"false\", expiry-date=\"{restore.ExpiresAt.ToString("R", CultureInfo.InvariantCulture)}\"",
            _ => null,
        };
        if (value is not null) response.Headers["x-amz-restore"] = value;
    }
}
