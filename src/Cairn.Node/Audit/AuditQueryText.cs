using System.Globalization;
using Cairn.Core.Errors;
using Cairn.Core.Observability;
using Cairn.Node.Admin;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Cairn.Node.Audit;

/// <summary>
/// The admin API's audit query: <c>since</c> and <c>until</c> (ISO 8601 times), <c>actor</c>, <c>api</c>, <c>action</c>,
/// <c>bucket</c>, <c>failures=true</c> and <c>limit</c> (1 to 10,000, default 100). A value that does not parse is
/// refused with InvalidArgument, never ignored.
/// </summary>
public static class AuditQueryText
{
    public const int MaxLimit = 10_000;

    public static AuditQuery Parse(IQueryCollection query) => new(
        Since: Time(query, "since"),
        Until: Time(query, "until"),
        Actor: Text(query, "actor"),
        Api: Text(query, "api"),
        Action: Text(query, "action"),
        Bucket: Text(query, "bucket"),
        FailuresOnly: Text(query, "failures") switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw Invalid("failures", other, "true or false"),
        },
        Limit: Text(query, "limit") is not { } limit ? 100
            : int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit ? n
            : throw Invalid("limit", limit, $"a number from 1 to {MaxLimit}"));

    /// <summary>The query as the admin API's query string: what a node forwards to the others of its cluster.</summary>
    public static QueryString Format(AuditQuery query)
    {
        var builder = new QueryBuilder();
        if (query.Since is { } since) builder.Add("since", since.ToString("O", CultureInfo.InvariantCulture));
        if (query.Until is { } until) builder.Add("until", until.ToString("O", CultureInfo.InvariantCulture));
        foreach (var (name, value) in new[] { ("actor", query.Actor), ("api", query.Api), ("action", query.Action), ("bucket", query.Bucket) })
            if (value is not null) builder.Add(name, value);
        if (query.FailuresOnly) builder.Add("failures", "true");
        builder.Add("limit", query.Limit.ToString(CultureInfo.InvariantCulture));
        return builder.ToQueryString();
    }

    private static string? Text(IQueryCollection query, string name) => AdminQueryValues.Text(query, name);

    private static DateTimeOffset? Time(IQueryCollection query, string name) =>
        AdminQueryValues.Time(query, name, text => Invalid(name, text, "an ISO 8601 time such as 2026-11-30T13:00:00Z"));

    private static S3Exception Invalid(string name, string value, string expected) =>
        new(S3ErrorCode.InvalidArgument, $"Audit query parameter {name}='{value}' is not {expected}.");
}
