using Amazon.S3.Model;
using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.S3;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Buckets;

/// <summary>
/// The object browser: one page of a bucket under a prefix (delimiter <c>/</c>), breadcrumbs, sort and search within the
/// page, uploads (assets/upload.js), create folder, delete.
/// </summary>
public sealed class BrowseModel : PageModel
{
    [BindProperty(SupportsGet = true)] public string Bucket { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Prefix { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public bool Desc { get; set; }
    [BindProperty(SupportsGet = true)] public int Size { get; set; } = ListingPage.DefaultSize;

    public ListingPage Listing { get; private set; } = new([], 0, null);

    public IReadOnlyList<ListingEntry> Shown { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Prefix ??= "";
        Listing = await ListingPage.ReadAsync(HttpContext.Session().S3, Bucket, Prefix, Token, Size, HttpContext.RequestAborted);
        Shown = Listing.Arrange(Q, Sort, Desc);
    }

    /// <summary>The prefixes from the bucket's root down to this one, for the breadcrumbs.</summary>
    public IEnumerable<(string Name, string Prefix)> Crumbs()
    {
        var start = 0;
        for (var slash = Prefix.IndexOf('/'); slash >= 0; slash = Prefix.IndexOf('/', slash + 1))
        {
            yield return (Prefix[start..slash], Prefix[..(slash + 1)]);
            start = slash + 1;
        }
    }

    public async Task<IActionResult> OnPostFolderAsync(string name)
    {
        var key = Prefix + name.Trim().Trim('/') + "/";
        await HttpContext.Session().S3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "" }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"Folder {key} created.";
        return Redirect(Messages.BackTo(Request));
    }

    public async Task<IActionResult> OnPostDeleteAsync(string key)
    {
        await HttpContext.Session().S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, HttpContext.RequestAborted);
        TempData[Messages.Done] = $"{key} deleted.";
        return Redirect(Messages.BackTo(Request));
    }
}
