using Cairn.WebConsole.Hosting;
using Cairn.WebConsole.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cairn.WebConsole.Pages;

/// <summary>
/// Sign-in: the key pair is checked by a real signed STS GetCallerIdentity to this node; on success the secret goes
/// into a server-side session and the browser gets only the session's id.
/// </summary>
public sealed class SignInModel(CredentialCheck check, ConsoleSessions sessions, SignInAudit audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? AccessKeyId { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? accessKeyId, string? secretKey)
    {
        AccessKeyId = accessKeyId?.Trim();
        if (string.IsNullOrEmpty(AccessKeyId) || string.IsNullOrEmpty(secretKey))
        {
            Error = "Enter an access key id and its secret.";
            return Page();
        }
        var credentials = new ConsoleCredentials(AccessKeyId, secretKey);
        var outcome = await check.VerifyAsync(credentials, HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            await audit.RecordAsync(HttpContext, AccessKeyId, outcome.Status, outcome.ErrorCode);
            // The same words whichever half was wrong: the page tells no one which key ids exist.
            Error = "Invalid credentials.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await audit.RecordAsync(HttpContext, outcome.Arn!, StatusCodes.Status200OK, null);
        // A new id at every sign-in (no fixation); a session this browser already had ends.
        if (SessionCookie.Read(Request) is { } previous) sessions.End(previous);
        var session = sessions.Start(credentials, outcome.Arn!);
        SessionCookie.Write(Response, session.Id);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : Url.Content("~/buckets"));
    }
}
