using Amazon.S3;
using Amazon.S3.Model;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.Navigation;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Buckets;

/// <summary>The buckets: list, create, delete (S3's rules: a bucket must be empty), versioning on and off.</summary>
[Navigation("Buckets", "/buckets", Order = 0)]
public sealed class BucketsModel(BucketSummaries summaries) : PageModel
{
    public IReadOnlyList<BucketSummary> Buckets { get; private set; } = [];

    /// <summary>Whether object counts and sizes are shown (root only).</summary>
    public bool Counted { get; private set; }

    /// <summary>When the node's usage sampler measured the counts and sizes shown; null before its first sample.</summary>
    public DateTimeOffset? CountedAt { get; private set; }

    /// <summary>The nodes of the cluster whose shares of the counts did not come, said in words (null: none).</summary>
    public string? Missing { get; private set; }

    public async Task OnGetAsync()
    {
        var session = HttpContext.Session();
        var list = await summaries.ReadAsync(session, HttpContext.RequestAborted);
        (Buckets, CountedAt, Counted, Missing) = (list.Buckets, list.CountedAt, session.IsRoot, list.Missing);
    }

    public async Task<IActionResult> OnPostCreateAsync(string name)
    {
        await HttpContext.Session().S3.PutBucketAsync(new PutBucketRequest { BucketName = name.Trim() }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Bucket {name} created.";
        return Redirect(Messages.BackTo(Request));
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name)
    {
        await HttpContext.Session().S3.DeleteBucketAsync(new DeleteBucketRequest { BucketName = name }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Bucket {name} deleted.";
        return Redirect(Messages.BackTo(Request));
    }

    public async Task<IActionResult> OnPostVersioningAsync(string name, bool enable)
    {
        await HttpContext.Session().S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = name,
            VersioningConfig = new S3BucketVersioningConfig { Status = enable ? VersionStatus.Enabled : VersionStatus.Suspended },
        }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Versioning of {name} {(enable ? "enabled" : "suspended")}.";
        return Redirect(Messages.BackTo(Request));
    }
}
