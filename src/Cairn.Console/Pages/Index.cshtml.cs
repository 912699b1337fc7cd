using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages;

/// <summary>The console's root leads to the buckets.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect(Url.Content("~/buckets"));
}
