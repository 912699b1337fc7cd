using Amazon.S3.Model;
using Cairn.WebConsole.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Buckets;

/// <summary>
/// The versions and delete markers of one key, newest first, a page at a time: restore a previous version (copy it
/// over the current one, so it becomes the newest) or delete one version for good.
/// </summary>
public sealed class VersionsModel : PageModel
{
    private const int PageSize = 200;

    [BindProperty(SupportsGet = true)] public string Bucket { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Key { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public IReadOnlyList<S3ObjectVersion> Versions { get; private set; } = [];

    public string? NextAfter { get; private set; }

    public async Task OnGetAsync()
    {
        var page = await HttpContext.Session().S3.ListVersionsAsync(new ListVersionsRequest
        {
            BucketName = Bucket,
            Prefix = Key,
            KeyMarker = After is null ? null : Key,
            VersionIdMarker = After,
            MaxKeys = PageSize,
        }, HttpContext.RequestAborted);
        // The prefix also matches longer keys (a.txt.bak after a.txt): only this key's versions are shown.
        Versions = (page.Versions ?? []).Where(v => v.Key == Key).ToArray();
        NextAfter = page.IsTruncated == true && page.NextKeyMarker == Key ? page.NextVersionIdMarker : null;
    }

    public async Task<IActionResult> OnPostRestoreAsync(string versionId)
    {
        await HttpContext.Session().S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket, SourceKey = Key, SourceVersionId = versionId, DestinationBucket = Bucket, DestinationKey = Key,
        }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Version {versionId} restored: it is the current version again.";
        return Redirect(Messages.BackTo(Request));
    }

    public async Task<IActionResult> OnPostDeleteAsync(string versionId)
    {
        await HttpContext.Session().S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = Key, VersionId = versionId }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Version {versionId} deleted.";
        return Redirect(Messages.BackTo(Request));
    }
}
