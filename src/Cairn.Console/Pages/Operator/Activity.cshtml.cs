using Cairn.Core.Observability;
using Cairn.WebConsole.Navigation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages.Operator;

/// <summary>The audit log (in a cluster, every node's), newest first: filtered by actor, bucket, action or failures, a page at a time.</summary>
[Navigation("Activity", "/activity", Order = 40, OperatorOnly = true)]
public sealed class ActivityModel(IEnumerable<IAuditReader> logs) : PageModel
{
    public const int PageSize = 25;

    /// <summary>Pages beyond this are not offered: the log is read newest first from the start each time.</summary>
    public const int MaxPage = 200;

    [BindProperty(SupportsGet = true)] public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)] public string? Bucket { get; set; }

    [BindProperty(SupportsGet = true)] public string? Action { get; set; }

    [BindProperty(SupportsGet = true)] public bool Failures { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; }

    public bool Kept { get; private set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public bool HasMore { get; private set; }

    public async Task OnGetAsync()
    {
        var log = logs.FirstOrDefault();
        Kept = log is not null;
        if (log is null) return;
        PageNumber = Math.Clamp(PageNumber, 0, MaxPage);
        var query = new AuditQuery(Actor: Blank(Actor), Bucket: Blank(Bucket), Action: Blank(Action), FailuresOnly: Failures,
            Limit: (PageNumber + 1) * PageSize + 1);
        var read = new List<AuditEntry>();
        await foreach (var entry in log.ReadAsync(query, HttpContext.RequestAborted)) read.Add(entry);
        Entries = read.Skip(PageNumber * PageSize).Take(PageSize).ToArray();
        HasMore = read.Count > (PageNumber + 1) * PageSize && PageNumber < MaxPage;
    }

    /// <summary>This page's URL with the same filters and another page number.</summary>
    public string PageUrl(int page) => Url.Page(null, new { Actor, Bucket, Action, Failures = Failures ? "true" : null, p = page == 0 ? (int?)null : page })!;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
