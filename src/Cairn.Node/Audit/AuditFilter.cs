using Cairn.Core.Observability;

namespace Cairn.Node.Audit;

/// <summary>Whether an audit entry is one a query asks for.</summary>
public static class AuditFilter
{
    public static bool Matches(AuditEntry entry, AuditQuery query) =>
        (query.Since is not { } since || entry.Time >= since)
        && (query.Until is not { } until || entry.Time <= until)
        && (query.Actor is not { } actor || ActorIs(entry.Actor, actor))
        && (query.Api is not { } api || string.Equals(entry.Api, api, StringComparison.OrdinalIgnoreCase))
        && (query.Action is not { } action || string.Equals(entry.Action, action, StringComparison.OrdinalIgnoreCase))
        && (query.Bucket is not { } bucket || entry.Bucket == bucket)
        && (!query.FailuresOnly || !entry.Succeeded);

    /// <summary>The actor as written (an ARN, an access key id, <c>anonymous</c>), or the name an ARN ends with (<c>user/alice</c> is <c>alice</c>).</summary>
    private static bool ActorIs(string actor, string wanted) =>
        actor == wanted || actor.EndsWith("/" + wanted, StringComparison.Ordinal) || actor.EndsWith(":" + wanted, StringComparison.Ordinal);
}
