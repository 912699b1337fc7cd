using Cairn.Core.Observability;
using Microsoft.AspNetCore.Http;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Writes each console sign-in, successful or not, to the node's audit log, if the node keeps one (none is
/// registered until the audit log exists: then this writes nothing).
/// </summary>
public sealed class SignInAudit(IEnumerable<IAuditLog> logs, TimeProvider time)
{
    private readonly IAuditLog[] logs = logs.ToArray();

    public async Task RecordAsync(HttpContext http, string actor, int status, string? errorCode)
    {
        var entry = new AuditEntry(time.GetUtcNow(), http.TraceIdentifier, actor, http.Connection.RemoteIpAddress?.ToString() ?? "",
            "console", "SignIn", null, null, null, status, errorCode);
        foreach (var log in logs) await log.AppendAsync(entry, http.RequestAborted).ConfigureAwait(false);
    }
}
