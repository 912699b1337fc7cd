using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Cairn.Cli.Admin;

/// <summary>
/// `cairn admin scrub|repair`: starts the pass and, while the server works, shows its progress from
/// <c>scrub/progress</c> — a Spectre progress bar on a terminal, a plain line every few seconds when stdout is not one, or
/// with --json one JSON object per line (<c>"type":"progress"</c>, then <c>"type":"summary"</c> with the pass's result).
/// </summary>
internal static class ScrubCommand
{
    public static async Task<int> RunAsync(ParseResult parse, Option<string> endpoint, Option<bool> json, string call, CancellationToken cancellationToken,
        Action<JsonElement> render)
    {
        using var client = AdminCommand.Connect(parse, endpoint);
        if (client is null) return 2;
        try
        {
            // Passes are numbered by the server: ours is the first after the one it reports now.
            var before = (await ProgressAsync(client, cancellationToken))?.GetProperty("pass").GetInt64() ?? 0;
            var run = client.SendAsync(HttpMethod.Post, call, cancellationToken);
            JsonDocument summary;
            if (parse.GetValue(json))
            {
                await FollowAsync(client, run, before, TimeSpan.FromSeconds(1), r => WriteLine("progress", r), cancellationToken);
                summary = await run;
                WriteLine("summary", summary.RootElement);
            }
            else if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
            {
                await FollowAsync(client, run, before, TimeSpan.FromSeconds(2), r => Console.WriteLine(Describe(r)), cancellationToken);
                summary = await run;
                render(summary.RootElement);
            }
            else
            {
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
                    .StartAsync(async context =>
                    {
                        var scrub = context.AddTask("waiting for the pass that runs now", maxValue: 1);
                        ProgressTask? repair = null;
                        await FollowAsync(client, run, before, TimeSpan.FromMilliseconds(500), r =>
                        {
                            scrub.MaxValue = Math.Max(1, r.GetProperty("bytesTotal").GetInt64());
                            scrub.Value = r.GetProperty("bytesVerified").GetInt64();
                            scrub.Description = Markup.Escape(Describe(r));
                            if (r.GetProperty("state").GetString() != "repairing" && r.GetProperty("blobsToRepair").GetInt64() == 0) return;
                            repair ??= context.AddTask("repair", maxValue: 1);
                            repair.MaxValue = Math.Max(1, r.GetProperty("blobsToRepair").GetInt64());
                            repair.Value = r.GetProperty("blobsRepaired").GetInt64();
                            repair.Description = Markup.Escape($"repair: {r.GetProperty("blobsRepaired")}/{r.GetProperty("blobsToRepair")} blobs, {r.GetProperty("fragmentsRebuilt")} fragments rebuilt");
                        }, cancellationToken);
                        scrub.Value = scrub.MaxValue;
                        if (repair is not null) repair.Value = repair.MaxValue;
                    });
                summary = await run;
                render(summary.RootElement);
            }
            summary.Dispose();
            return 0;
        }
        catch (Exception e) when (e is AdminCallFailed or HttpRequestException)
        {
            Console.Error.WriteLine($"cairn admin: {e.Message}");
            return 1;
        }
    }

    /// <summary>Shows the figures of our pass every <paramref name="interval"/> until the call ends, then its final figures once.</summary>
    private static async Task FollowAsync(AdminClient client, Task<JsonDocument> run, long before, TimeSpan interval, Action<JsonElement> show,
        CancellationToken cancellationToken)
    {
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(interval, cancellationToken));
            if (run.IsCompleted) break;
            if (await ProgressAsync(client, cancellationToken) is { } report && report.GetProperty("pass").GetInt64() > before) show(report);
        }
        if (run.IsCompletedSuccessfully && await ProgressAsync(client, cancellationToken) is { } last && last.GetProperty("pass").GetInt64() > before) show(last);
    }

    /// <summary>The server's scrub figures, or null when it cannot say (a server without them, a failed call): progress is a courtesy.</summary>
    private static async Task<JsonElement?> ProgressAsync(AdminClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await client.GetAsync("scrub/progress?scope=node", cancellationToken);
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is AdminCallFailed or HttpRequestException)
        {
            return null;
        }
    }

    private static void WriteLine(string type, JsonElement value)
    {
        var line = new JsonObject { ["type"] = type };
        foreach (var property in value.EnumerateObject()) line[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        Console.WriteLine(line.ToJsonString());
    }

    internal static string Describe(JsonElement r)
    {
        var eta = r.GetProperty("etaSeconds") is { ValueKind: JsonValueKind.Number } e ? $", ETA {TimeSpan.FromSeconds(Math.Ceiling(e.GetDouble())):c}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.GetProperty("kind").GetString()} {r.GetProperty("state").GetString()}: {r.GetProperty("blobsScrubbed")}/{r.GetProperty("blobsTotal")} blobs, "
            + $"{AdminCommand.Bytes(r.GetProperty("bytesVerified").GetInt64())} of {AdminCommand.Bytes(r.GetProperty("bytesTotal").GetInt64())}, "
            + $"{AdminCommand.Bytes((long)r.GetProperty("bytesPerSecond").GetDouble())}/s, {r.GetProperty("fragmentsLost")} fragments lost{eta}");
    }
}
