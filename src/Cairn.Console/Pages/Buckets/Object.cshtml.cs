using Amazon.S3;
using Amazon.S3.Model;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Buckets;

/// <summary>
/// One object: size, ETag, checksums, content type, user metadata, tags (editable), storage class on its ladder, restore
/// status and "restore for N days", a presigned link, rename (copy + delete), delete.
/// </summary>
public sealed class ObjectModel(StorageLadder ladder, SignedRequests signer) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Bucket { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Key { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? VersionId { get; set; }

    public GetObjectMetadataResponse Head { get; private set; } = null!;

    public IReadOnlyList<Tag> Tags { get; private set; } = [];

    public IReadOnlyList<LadderRung> Ladder { get; private set; } = [];

    public Uri? PresignedUrl { get; private set; }

    public DateTimeOffset? PresignedUntil { get; private set; }

    /// <summary>The choices of the presigned link's lifetime (S3 allows up to 7 days).</summary>
    public static IReadOnlyList<(string Label, int Seconds)> Expiries { get; } =
        [("15 minutes", 900), ("1 hour", 3600), ("1 day", 86_400), ("7 days", 604_800)];

    public string Parent => Key.LastIndexOf('/') is var slash and >= 0 ? Key[..(slash + 1)] : "";

    public string Name => Key[(Key.LastIndexOf('/') + 1)..];

    public Task OnGetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var s3 = HttpContext.Session().S3;
        var ct = HttpContext.RequestAborted;
        Head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = Bucket, Key = Key, VersionId = VersionId, ChecksumMode = ChecksumMode.ENABLED,
        }, ct);
        Tags = (await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = Bucket, Key = Key, VersionId = VersionId }, ct)).Tagging ?? [];
        Ladder = ladder.For(Head.StorageClass?.Value);
    }

    public bool NeedsRestore => Head.StorageClass == S3StorageClass.Glacier || Head.StorageClass == S3StorageClass.DeepArchive;

    /// <summary>S3's x-amz-restore, in words.</summary>
    public string RestoreStatus => Head.RestoreInProgress == true ? "Restore in progress"
        : Head.RestoreExpiration is { } until ? $"Restored copy available until {until.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
        : NeedsRestore ? "Not restored: a GET needs a restore first" : "Readable now";

    public async Task<IActionResult> OnPostTagsAsync(string? tags)
    {
        var set = (tags ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Select(kv => new Tag { Key = kv[0].Trim(), Value = kv.Length > 1 ? kv[1].Trim() : "" })
            .ToList();
        var s3 = HttpContext.Session().S3;
        if (set.Count == 0)
            await s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = Bucket, Key = Key, VersionId = VersionId }, HttpContext.RequestAborted);
        else
            await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = Bucket, Key = Key, VersionId = VersionId, Tagging = new Tagging { TagSet = set } }, HttpContext.RequestAborted);
        TempData[Messages.Done] = "Tags saved.";
        return Redirect(Messages.BackTo(Request));
    }

    public async Task<IActionResult> OnPostRestoreAsync(int days)
    {
        await HttpContext.Session().S3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = Bucket, Key = Key, VersionId = VersionId, Days = days }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Restore for {days} day{(days == 1 ? "" : "s")} requested.";
        return Redirect(Messages.BackTo(Request));
    }

    public async Task<IActionResult> OnPostPresignAsync(int seconds)
    {
        await LoadAsync();
        if (!Expiries.Any(e => e.Seconds == seconds)) return BadRequest();
        // The link names the S3 endpoint as this browser reaches the node: same host, the S3 port.
        var s3 = new UriBuilder(Request.Scheme, Request.Host.Host, signer.S3Port).Uri;
        PresignedUrl = signer.Presign(HttpContext.Session().Credentials, s3, Bucket, Key, VersionId, TimeSpan.FromSeconds(seconds));
        PresignedUntil = DateTimeOffset.UtcNow.AddSeconds(seconds);
        return Page();
    }

    public async Task<IActionResult> OnPostRenameAsync(string newKey)
    {
        var s3 = HttpContext.Session().S3;
        newKey = newKey.Trim();
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket, SourceKey = Key, SourceVersionId = VersionId, DestinationBucket = Bucket, DestinationKey = newKey,
        }, HttpContext.RequestAborted);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = Key }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Renamed to {newKey}.";
        return Redirect(Url.Content("~/buckets/" + Uri.EscapeDataString(Bucket) + "/object?key=" + Uri.EscapeDataString(newKey)));
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        await HttpContext.Session().S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = Key, VersionId = VersionId }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"{Key} deleted.";
        return Redirect(Url.Content("~/buckets/" + Uri.EscapeDataString(Bucket)) + (Parent.Length > 0 ? "?prefix=" + Uri.EscapeDataString(Parent) : ""));
    }
}
