using System.Globalization;
using Cairn.Core.Errors;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.FrontDoor.Xml;
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

    /// <summary>
    /// A listing's &lt;RestoreStatus&gt; (asked for with x-amz-optional-object-attributes: RestoreStatus): whether a
    /// restore is in progress, and when a live restored copy expires. Nothing for a version never restored or whose
    /// copy has expired, as S3 lists them.
    /// </summary>
    public void WriteRestoreStatus(S3Xml xml, VersionRecord version)
    {
        var state = version.Restore?.StateAt(clock.Now);
        if (state is not (RestoreState.Ongoing or RestoreState.Restored)) return;
        xml.Open("RestoreStatus").Element("IsRestoreInProgress", state == RestoreState.Ongoing);
        if (state == RestoreState.Restored) xml.Element("RestoreExpiryDate", version.Restore!.ExpiresAt);
        xml.Close();
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
