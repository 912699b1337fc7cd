using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Cairn.Cli.Admin;

/// <summary>
/// `cairn admin audit`: the newest audit-log entries that match, as a table, or with --json one JSON object per line; in a
/// cluster every node's entries, each naming its node, and on stderr the nodes that did not answer.
/// </summary>
internal static class AuditCommand
{
    public static Command Create(Option<string> endpoint, Option<bool> json)
    {
        var since = TimeOption("--since", "Only entries from then on: a time ago (30m, 1h, 24h) or an ISO 8601 time");
        var until = TimeOption("--until", "Only entries up to then: a time ago or an ISO 8601 time");
        var actor = new Option<string?>("--actor") { Description = "Only this actor: an ARN, an access key id, anonymous, or the name an ARN ends with (alice for user/alice)" };
        var api = new Option<string?>("--api") { Description = "Only this API: s3, iam, sts, admin or console" };
        var action = new Option<string?>("--action") { Description = "Only this action, e.g. PutObject, CreateUser, scrub" };
        var bucket = new Option<string?>("--bucket") { Description = "Only this bucket" };
        var failures = new Option<bool>("--failures") { Description = "Only requests that failed (failed sign-ins among them)" };
        var limit = new Option<int>("--limit") { Description = "At most this many entries, newest first (1 to 10000)", DefaultValueFactory = _ => 100 };
        var audit = new Command("audit", "The audit log: who changed what, when, from where, and how it ended (newest first)")
        {
            since, until, actor, api, action, bucket, failures, limit,
        };
        audit.SetAction(async (parse, cancellationToken) =>
        {
            using var client = AdminCommand.Connect(parse, endpoint);
            if (client is null) return 2;
            var query = string.Join('&', new (string Name, string? Value)[]
                {
                    ("since", parse.GetValue(since)?.ToString("o", CultureInfo.InvariantCulture)),
                    ("until", parse.GetValue(until)?.ToString("o", CultureInfo.InvariantCulture)),
                    ("actor", parse.GetValue(actor)), ("api", parse.GetValue(api)), ("action", parse.GetValue(action)), ("bucket", parse.GetValue(bucket)),
                    ("failures", parse.GetValue(failures) ? "true" : null), ("limit", parse.GetValue(limit).ToString(CultureInfo.InvariantCulture)),
                }
                .Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
            try
            {
                using var answer = await client.GetAsync("audit?" + query, cancellationToken);
                var entries = answer.RootElement.GetProperty("entries");
                if (parse.GetValue(json))
                    foreach (var entry in entries.EnumerateArray()) Console.WriteLine(JsonSerializer.Serialize(entry));
                else
                    Render(entries);
                AdminCommand.WarnUnreachable(answer.RootElement, "its entries are missing");
                return 0;
            }
            catch (Exception e) when (e is AdminCallFailed or HttpRequestException)
            {
                Console.Error.WriteLine($"cairn admin: {e.Message}");
                return 1;
            }
        });
        return audit;
    }

    private static void Render(JsonElement entries)
    {
        // A cluster's entries name the node that served each request; a single node's name none.
        var clustered = entries.EnumerateArray().Any(e => Text(e, "node").Length > 0);
        var table = new Table().AddColumns("Time (UTC)", "Actor", "Source", "API", "Action", "Bucket", "Key", "Status", "Error", "Request id");
        if (clustered) table.AddColumn("Node");
        foreach (var e in entries.EnumerateArray())
        {
            string[] cells =
            [
                Markup.Escape(e.GetProperty("time").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                Markup.Escape(Text(e, "actor")), Markup.Escape(Text(e, "source")), Markup.Escape(Text(e, "api")), Markup.Escape(Text(e, "action")),
                Markup.Escape(Text(e, "bucket")), Markup.Escape(Text(e, "key")), e.GetProperty("status").GetInt32().ToString(CultureInfo.InvariantCulture),
                Markup.Escape(Text(e, "errorCode")), Markup.Escape(Text(e, "requestId")),
            ];
            table.AddRow(clustered ? [.. cells, Markup.Escape(Text(e, "node"))] : cells);
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"{entries.GetArrayLength()} entries");
    }

    private static string Text(JsonElement entry, string name) => entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    /// <summary>A point in time: so long ago (1h) or an ISO 8601 time.</summary>
    internal static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (Bench.DurationText.TryParse(text, out var ago, out _)) return DateTimeOffset.UtcNow - ago;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
            r.AddError($"{name} '{text}' is neither a time ago (1h) nor an ISO 8601 time");
            return null;
        },
    };
}
