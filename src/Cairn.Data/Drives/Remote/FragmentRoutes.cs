namespace Cairn.Data.Drives.Remote;

/// <summary>
/// The node-to-node fragment protocol, shared by <see cref="RemoteFragmentStore"/> and
/// <see cref="FragmentStoreEndpoints"/>:
/// <code>
/// PUT    /cluster/v1/drives/{drive}/fragments/{blob}/{slot}[?replace=1]   streamed body; END_STREAM = commit → 204
/// GET    /cluster/v1/drives/{drive}/fragments/{blob}/{slot}/length          committed length as text, 404 if missing
/// GET    /cluster/v1/drives/{drive}/fragments/{blob}/{slot}?offset=O&amp;count=N   the bytes, streamed
/// GET    /cluster/v1/drives/{drive}/fragments/{blob}/{slot}/verify?dataLength=L   checked on the owner: JSON FragmentCheck
/// DELETE /cluster/v1/drives/{drive}/fragments/{blob}/{slot}                 → 204
/// GET    /cluster/v1/drives/{drive}/fragments                               JSON array of FragmentInfo, streamed
/// GET    /cluster/v1/drives/{drive}/stats                                   JSON DriveStats
/// </code>
/// An unknown drive or a failing one (IOException on the owner) is 503, which the client reports as
/// <see cref="DriveUnavailableException"/>.
/// </summary>
internal static class FragmentRoutes
{
    public const string Prefix = "/cluster/v1/drives";
    public const string ErrorHeader = "x-cairn-error";

    public static string Fragment(string drive, string blobId, int slot) =>
        $"{Prefix}/{Uri.EscapeDataString(drive)}/fragments/{Uri.EscapeDataString(blobId)}/{slot}";

    public static string Fragments(string drive) => $"{Prefix}/{Uri.EscapeDataString(drive)}/fragments";

    public static string Stats(string drive) => $"{Prefix}/{Uri.EscapeDataString(drive)}/stats";

    /// <summary>Blob ids name files on the owner's drive: letters and digits only, so no path can escape it.</summary>
    public static bool IsValidBlobId(string blobId) =>
        blobId.Length is >= 2 and <= 128 && blobId.All(char.IsAsciiLetterOrDigit);
}
