using System.Globalization;
using Cairn.Core.Errors;
using Cairn.Node.Admin;
using Cairn.Workers.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Cairn.Node.Usage;

/// <summary>
/// The admin API's usage-history query: <c>from</c> and <c>to</c> (ISO 8601 times), <c>bucket</c>, and <c>group=class</c>
/// for each class summed over the buckets. A value that does not parse is refused with InvalidArgument, never ignored.
/// </summary>
public static class UsageQueryText
{
    public static UsageQuery Parse(IQueryCollection query) => new(
        From: AdminQueryValues.Time(query, "from", text => InvalidTime("from", text)),
        To: AdminQueryValues.Time(query, "to", text => InvalidTime("to", text)),
        Bucket: AdminQueryValues.Text(query, "bucket"),
        PerClass: AdminQueryValues.Text(query, "group") switch
        {
            null => false,
            "class" => true,
            var other => throw new S3Exception(S3ErrorCode.InvalidArgument, $"group must be class (figures summed over the buckets), not '{other}'."),
        });

    /// <summary>The query as the admin API's query string: what a node forwards to the others of its cluster.</summary>
    public static QueryString Format(UsageQuery query)
    {
        var builder = new QueryBuilder();
        if (query.From is { } from) builder.Add("from", from.ToString("O", CultureInfo.InvariantCulture));
        if (query.To is { } to) builder.Add("to", to.ToString("O", CultureInfo.InvariantCulture));
        if (query.Bucket is { } bucket) builder.Add("bucket", bucket);
        if (query.PerClass) builder.Add("group", "class");
        return builder.ToQueryString();
    }

    private static S3Exception InvalidTime(string name, string text) =>
        new(S3ErrorCode.InvalidArgument, $"{name} must be an ISO 8601 time, not '{text}'.");
}
