using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Cairn.Cli.Admin;

/// <summary>`cairn admin …`: the operator's commands, each a signed call to the admin API.</summary>
public static class AdminCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "The server's URL", DefaultValueFactory = _ => "http://127.0.0.1:9000", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table", Recursive = true };
        var admin = new Command("admin", "Operate a running server") { endpoint, json };

        var info = new Command("info", "Version, uptime, data path, drives, and bucket, object and byte counts");
        info.SetAction((parse, ct) => RunAsync(parse, endpoint, json, "info", ct, RenderInfo));
        admin.Add(info);

        var bucket = new Option<string?>("--bucket") { Description = "Only this bucket" };
        var history = new Option<bool>("--history") { Description = "The usage history: the sampler's samples over time (objects, bytes, byte-days per bucket and class) instead of a count now" };
        var from = AuditCommand.TimeOption("--from", "With --history, samples from then on: a time ago (24h) or an ISO 8601 time");
        var to = AuditCommand.TimeOption("--to", "With --history, samples up to then: a time ago or an ISO 8601 time");
        var usage = new Command("usage", "Space used per bucket: live, noncurrent and total bytes; with --history, usage over time") { bucket, history, from, to };
        usage.SetAction((parse, ct) =>
        {
            var b = parse.GetValue(bucket);
            if (!parse.GetValue(history)) return RunAsync(parse, endpoint, json, WithBucket("usage", b), ct, RenderUsage);
            var query = string.Join('&', new (string Name, string? Value)[]
                {
                    ("bucket", b), ("from", parse.GetValue(from)?.ToString("o", CultureInfo.InvariantCulture)), ("to", parse.GetValue(to)?.ToString("o", CultureInfo.InvariantCulture)),
                }
                .Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
            return RunAsync(parse, endpoint, json, query.Length == 0 ? "usage/history" : "usage/history?" + query, ct, RenderUsageHistory);
        });
        admin.Add(usage);

        var drives = new Command("drives", "Per-drive node, state, fragment count and bytes: every drive listed now (exact; as long as the walk)");
        drives.SetAction((parse, ct) => RunAsync(parse, endpoint, json, "drives", ct, RenderDrives));
        admin.Add(drives);

        var durability = new Command("durability", "Fragments lost and rebuilt, time to repair, estimated annual durability");
        durability.SetAction((parse, ct) => RunAsync(parse, endpoint, json, "durability", ct, RenderDurability));
        admin.Add(durability);

        var scrub = new Command("scrub", "Verify every fragment of every blob now");
        scrub.SetAction((parse, ct) => ScrubCommand.RunAsync(parse, endpoint, json, "scrub", ct, RenderObject));
        admin.Add(scrub);

        var repair = new Command("repair", "Scrub, then rebuild every lost fragment now");
        repair.SetAction((parse, ct) => ScrubCommand.RunAsync(parse, endpoint, json, "repair", ct, RenderObject));
        admin.Add(repair);

        var lifecycleBucket = new Option<string?>("--bucket") { Description = "Only this bucket" };
        var run = new Command("run", "Run a lifecycle pass now and print what it did") { lifecycleBucket };
        run.SetAction((parse, ct) => RunAsync(parse, endpoint, json, WithBucket("lifecycle/run", parse.GetValue(lifecycleBucket)), ct, RenderLifecycleRun, HttpMethod.Post));
        admin.Add(new Command("lifecycle", "Lifecycle rules: transitions, expirations, upload aborts") { run });

        var cluster = new Command("cluster", "Nodes (state, addresses, failure domain, drives, bytes) and ranges (key span, members, leader, applied index, size)");
        cluster.SetAction((parse, ct) => RunAsync(parse, endpoint, json, "cluster", ct, RenderCluster));
        var splitBucket = new Option<string>("--bucket") { Required = true };
        var splitKey = new Option<string>("--key") { Required = true, Description = "The first key of the new range" };
        var splitMergeable = new Option<bool>("--mergeable") { Description = "Let the range be merged back once small and cold (by default an operator's split stays)" };
        var split = new Command("split", "Split the range holding the key at that key (ranges also split by themselves when they grow)") { splitBucket, splitKey, splitMergeable };
        split.SetAction((parse, ct) => RunAsync(parse, endpoint, json,
            $"cluster/split?bucket={Uri.EscapeDataString(parse.GetValue(splitBucket)!)}&key={Uri.EscapeDataString(parse.GetValue(splitKey)!)}"
            + (parse.GetValue(splitMergeable) ? "&mergeable=true" : ""), ct, RenderObject, HttpMethod.Post));
        cluster.Add(split);
        var mergeBucket = new Option<string>("--bucket") { Required = true };
        var mergeKey = new Option<string>("--key") { Description = "A key of the range to merge with the range after it (default: the bucket's first)", DefaultValueFactory = _ => "" };
        var merge = new Command("merge", "Merge the range holding the key with the range after it (small cold ranges also merge by themselves)") { mergeBucket, mergeKey };
        merge.SetAction((parse, ct) => RunAsync(parse, endpoint, json,
            $"cluster/merge?bucket={Uri.EscapeDataString(parse.GetValue(mergeBucket)!)}&key={Uri.EscapeDataString(parse.GetValue(mergeKey)!)}", ct, RenderObject, HttpMethod.Post));
        cluster.Add(merge);
        var admitNode = new Argument<string>("NODE_ID") { Description = "The joining node's --node-id" };
        var admit = new Command("admit", "Admit a node that waits to join: the groups' leaders then add it as a member of the meta group and of every range") { admitNode };
        admit.SetAction((parse, ct) => RunAsync(parse, endpoint, json, $"cluster/admit?node={Uri.EscapeDataString(parse.GetValue(admitNode)!)}", ct, RenderObject, HttpMethod.Post));
        cluster.Add(admit);
        var drainNode = new Argument<string>("NODE_ID");
        var nodeDrain = new Command("drain", "Take a node out without leaving anything short: its leaderships, range replicas and fragments move to the other nodes") { drainNode };
        nodeDrain.SetAction((parse, ct) => RunAsync(parse, endpoint, json, $"cluster/drain?node={Uri.EscapeDataString(parse.GetValue(drainNode)!)}", ct, RenderObject, HttpMethod.Post));
        cluster.Add(nodeDrain);
        var removeNode = new Argument<string>("NODE_ID");
        var remove = new Command("remove", "Remove a drained node from the map once it holds nothing (refused, saying what it still holds, before)") { removeNode };
        remove.SetAction((parse, ct) => RunAsync(parse, endpoint, json, $"cluster/remove?node={Uri.EscapeDataString(parse.GetValue(removeNode)!)}", ct, RenderObject, HttpMethod.Post));
        cluster.Add(remove);
        admin.Add(cluster);

        var drainDrive = new Option<string>("--drive") { Required = true, Description = "The drive's id, e.g. n2-d1 (`cairn admin cluster` lists them)" };
        var drain = new Command("drain", "Stop placing fragments on the drive and move every fragment it holds to drives that keep the protection level") { drainDrive };
        drain.SetAction((parse, ct) => RunAsync(parse, endpoint, json, $"drive/drain?drive={Uri.EscapeDataString(parse.GetValue(drainDrive)!)}", ct, RenderObject, HttpMethod.Post));
        var replaceDrive = new Option<string>("--drive") { Required = true, Description = "The drive's id, e.g. n2-d1" };
        var replace = new Command("replace", "A failed drive was replaced by an empty one at the same path: rebuild onto it now what it held, and bring back what went elsewhere") { replaceDrive };
        replace.SetAction((parse, ct) => RunAsync(parse, endpoint, json, $"drive/replace?drive={Uri.EscapeDataString(parse.GetValue(replaceDrive)!)}", ct, RenderObject, HttpMethod.Post));
        admin.Add(new Command("drive", "Drain a drive, or refill one replaced in place") { drain, replace });

        var layoutBucket = new Option<string>("--bucket") { Required = true };
        var layoutKey = new Option<string>("--key") { Required = true };
        var layout = new Command("layout", "Which drive holds each fragment of a key's current version") { layoutBucket, layoutKey };
        layout.SetAction((parse, ct) => RunAsync(parse, endpoint, json,
            $"layout?bucket={Uri.EscapeDataString(parse.GetValue(layoutBucket)!)}&key={Uri.EscapeDataString(parse.GetValue(layoutKey)!)}", ct, RenderLayout));
        admin.Add(layout);

        var billingBucket = new Option<string?>("--bucket") { Description = "Only this bucket" };
        var billing = new Command("billing", "The bill so far: storage by class, early-delete charges, incomplete uploads, totals") { billingBucket };
        billing.SetAction((parse, ct) => RunAsync(parse, endpoint, json, WithBucket("billing", parse.GetValue(billingBucket)), ct, RenderBill));
        admin.Add(billing);
        admin.Add(UserCommand.Create(endpoint, json));
        admin.Add(GroupCommand.Create(endpoint, json));
        admin.Add(AuditCommand.Create(endpoint, json));
        return admin;
    }

    private static async Task<int> RunAsync(System.CommandLine.ParseResult parse, Option<string> endpoint, Option<bool> json, string call,
        CancellationToken cancellationToken, Action<JsonElement> render, HttpMethod? method = null)
    {
        using var client = Connect(parse, endpoint);
        if (client is null) return 2;
        try
        {
            // Long calls (scrub, repair) show a spinner on a terminal while the server works.
            var send = () => client.SendAsync(method ?? HttpMethod.Get, call, cancellationToken);
            using var doc = parse.GetValue(json) || Console.IsOutputRedirected
                ? await send()
                : await AnsiConsole.Status().StartAsync($"{call}…", _ => send());
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true }));
            else render(doc.RootElement);
            WarnUnreachable(doc.RootElement, "its share is missing from these figures");
            return 0;
        }
        catch (Exception e) when (e is AdminCallFailed or HttpRequestException)
        {
            Console.Error.WriteLine($"cairn admin: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// The nodes of a cluster that did not answer a read made of every node's part (an answer's <c>unreachable</c>), on
    /// stderr so that --json output stays the answer: what is missing from it, the reader must know.
    /// </summary>
    internal static void WarnUnreachable(JsonElement answer, string consequence)
    {
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("unreachable", out var unreachable) || unreachable.ValueKind != JsonValueKind.Array) return;
        foreach (var node in unreachable.EnumerateArray())
            Console.Error.WriteLine($"cairn admin: node {Text(node, "node")} ({Text(node, "clusterAddress")}) did not answer; {consequence}: {Text(node, "error")}");

        static string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "?";
    }

    /// <summary>A client of the server --endpoint names, or null (and the reason on stderr) when it is not an absolute URL.</summary>
    internal static AdminClient? Connect(System.CommandLine.ParseResult parse, Option<string> endpoint)
    {
        if (Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var url)) return new AdminClient(url, Credentials.FromEnvironment());
        Console.Error.WriteLine($"cairn admin: --endpoint must be an absolute URL such as http://127.0.0.1:9000");
        return null;
    }

    private static void RenderInfo(JsonElement info)
    {
        var table = new Table().AddColumns("Property", "Value");
        table.AddRow("Version", Markup.Escape(info.GetProperty("version").GetString()!));
        table.AddRow("Uptime", TimeSpan.FromSeconds(info.GetProperty("uptimeSeconds").GetInt64()).ToString());
        table.AddRow("Data path", Markup.Escape(info.GetProperty("dataPath").GetString()!));
        table.AddRow("Buckets", info.GetProperty("buckets").GetInt32().ToString());
        table.AddRow("Objects", info.GetProperty("objects").GetInt64().ToString());
        table.AddRow("Bytes", Bytes(info.GetProperty("bytes").GetInt64()));
        AnsiConsole.Write(table);
        var drives = new Table().AddColumns("Drive", "Path", "Total", "Free");
        foreach (var d in info.GetProperty("drives").EnumerateArray())
            drives.AddRow(Markup.Escape(d.GetProperty("id").GetString()!), Markup.Escape(d.GetProperty("path").GetString()!),
                Bytes(d.GetProperty("totalBytes").GetInt64()), Bytes(d.GetProperty("freeBytes").GetInt64()));
        AnsiConsole.Write(drives);
    }

    private static void RenderUsage(JsonElement usage)
    {
        var table = new Table().AddColumns("Bucket", "Objects", "Live", "Noncurrent versions", "Noncurrent", "Delete markers", "Incomplete uploads", "Total");
        foreach (var b in usage.GetProperty("buckets").EnumerateArray())
            table.AddRow(Markup.Escape(b.GetProperty("bucket").GetString()!), b.GetProperty("objects").GetInt64().ToString(),
                Bytes(b.GetProperty("liveBytes").GetInt64()), b.GetProperty("noncurrentVersions").GetInt64().ToString(),
                Bytes(b.GetProperty("noncurrentBytes").GetInt64()), b.GetProperty("deleteMarkers").GetInt64().ToString(),
                Bytes(b.GetProperty("incompleteUploadBytes").GetInt64()), Bytes(b.GetProperty("totalBytes").GetInt64()));
        AnsiConsole.Write(table);
    }

    private static void RenderUsageHistory(JsonElement history)
    {
        var table = new Table().AddColumns("Time (UTC)", "Bucket", "Storage class", "Objects", "Current", "Noncurrent", "Incomplete uploads",
            "Byte-days stored", "Noncurrent", "Incomplete uploads", "Early delete");
        var samples = history.GetProperty("samples");
        foreach (var s in samples.EnumerateArray())
        {
            var at = s.GetProperty("at").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            foreach (var c in s.GetProperty("classes").EnumerateArray())
                table.AddRow(at, Markup.Escape(c.GetProperty("bucket").GetString()!), c.GetProperty("storageClass").GetString()!,
                    c.GetProperty("objects").GetInt64().ToString(CultureInfo.InvariantCulture), Bytes(c.GetProperty("currentBytes").GetInt64()),
                    Bytes(c.GetProperty("noncurrentBytes").GetInt64()), Bytes(c.GetProperty("incompleteUploadBytes").GetInt64()),
                    ByteDays(c, "currentByteDays"), ByteDays(c, "noncurrentByteDays"), ByteDays(c, "incompleteUploadByteDays"), ByteDays(c, "earlyDeleteByteDays"));
        }
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"{samples.GetArrayLength()} samples");
    }

    private static string ByteDays(JsonElement figures, string name) => figures.GetProperty(name).GetDouble().ToString("0.###", CultureInfo.InvariantCulture);

    private static void RenderDrives(JsonElement drives)
    {
        var table = new Table().AddColumns("Drive", "Node", "State", "Fragments", "Bytes", "Free", "Path");
        foreach (var d in drives.EnumerateArray())
            table.AddRow(Markup.Escape(d.GetProperty("id").GetString()!), Markup.Escape(d.GetProperty("node").GetString()!), d.GetProperty("state").GetString()!,
                d.GetProperty("fragments").GetInt64().ToString(),
                Bytes(d.GetProperty("fragmentBytes").GetInt64()), Bytes(d.GetProperty("freeBytes").GetInt64()), Markup.Escape(d.GetProperty("path").GetString()!));
        AnsiConsole.Write(table);
    }

    private static string WithBucket(string call, string? bucket) => bucket is null ? call : call + "?bucket=" + Uri.EscapeDataString(bucket);

    private static void RenderLifecycleRun(JsonElement run)
    {
        var table = new Table().AddColumns("Bucket", "Key", "Version", "Action", "Storage class", "Rule");
        foreach (var o in run.GetProperty("outcomes").EnumerateArray())
            table.AddRow(Markup.Escape(o.GetProperty("bucket").GetString()!), Markup.Escape(o.GetProperty("key").GetString()!),
                Markup.Escape(o.GetProperty("versionId").GetString() ?? ""), o.GetProperty("action").GetString()!,
                o.GetProperty("storageClass").GetString() ?? "", Markup.Escape(o.GetProperty("ruleId").GetString()!));
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"{run.GetProperty("actions").GetInt32()} actions");
    }

    private static void RenderBill(JsonElement bill)
    {
        var table = new Table().AddColumns("Bucket", "Storage class", "Kind", "GiB-months", "Cost (USD)");
        foreach (var l in bill.GetProperty("lines").EnumerateArray())
            table.AddRow(Markup.Escape(l.GetProperty("bucket").GetString()!), l.GetProperty("storageClass").GetString()!, l.GetProperty("kind").GetString()!,
                l.GetProperty("gibMonths").GetDouble().ToString("0.######"), l.GetProperty("cost").GetDecimal().ToString("0.######"));
        AnsiConsole.Write(table);
        var totals = new Table().AddColumns("Total", "Cost (USD)");
        foreach (var (name, property) in new[] { ("Storage", "storageCost"), ("Early delete", "earlyDeleteCost"), ("Incomplete uploads", "incompleteUploadCost"), ("All", "totalCost") })
            totals.AddRow(name, bill.GetProperty(property).GetDecimal().ToString("0.######"));
        AnsiConsole.Write(totals);
    }

    /// <summary>A flat JSON object as a two-column table.</summary>
    private static void RenderCluster(JsonElement value)
    {
        AnsiConsole.MarkupLine($"As seen by node [bold]{Markup.Escape(value.GetProperty("node").GetString() ?? "")}[/]");
        var nodes = new Table().AddColumns("Node", "State", "Replicas", "S3", "Cluster", "Failure domain", "Drives", "Used");
        foreach (var n in value.GetProperty("nodes").EnumerateArray())
        {
            var drives = string.Join(", ", n.GetProperty("drives").EnumerateArray().Select(d => $"{d.GetProperty("id").GetString()} {d.GetProperty("state").GetString()}"));
            var state = n.GetProperty("state").GetString() + (n.GetProperty("leaving").GetBoolean() ? " (leaving)" : "") + (n.GetProperty("metaMember").GetBoolean() ? ", meta" : "");
            nodes.AddRow(Markup.Escape(n.GetProperty("id").GetString() ?? ""), Markup.Escape(state), n.GetProperty("replicas").ToString(), Markup.Escape(n.GetProperty("s3Address").GetString() ?? ""),
                Markup.Escape(n.GetProperty("clusterAddress").GetString() ?? ""), Markup.Escape(n.GetProperty("domain").GetString() ?? ""), Markup.Escape(drives),
                Bytes(n.GetProperty("usedBytes").GetInt64()));
        }
        AnsiConsole.Write(nodes);
        var ranges = new Table().AddColumns("Range", "From", "To", "Members", "Leader", "Applied", "Size", "Moving");
        foreach (var r in value.GetProperty("ranges").EnumerateArray())
            ranges.AddRow(Markup.Escape(r.GetProperty("group").GetString() ?? ""), Markup.Escape(r.GetProperty("start").GetString() ?? ""),
                Markup.Escape(r.GetProperty("end").GetString() ?? "∞"), Markup.Escape(string.Join(",", r.GetProperty("members").EnumerateArray().Select(m => m.GetString()))),
                Markup.Escape(r.GetProperty("leader").GetString() ?? "none"), r.GetProperty("appliedIndex").ToString(),
                r.GetProperty("bytes").ValueKind == JsonValueKind.Number ? Bytes(r.GetProperty("bytes").GetInt64()) : "",
                Markup.Escape(r.GetProperty("change").GetString() ?? ""));
        AnsiConsole.Write(ranges);
        if (value.GetProperty("metaChange").GetString() is { } metaChange) AnsiConsole.MarkupLine(Markup.Escape($"Meta group: {metaChange}."));
        var work = value.GetProperty("work");
        var lost = string.Join(", ", work.GetProperty("drivesToRepairFrom").EnumerateArray().Select(d => d.GetString()));
        AnsiConsole.MarkupLine(Markup.Escape(
            $"This node runs the free queue and lifecycle of {Tended(work)}, {(work.GetProperty("runsRepair").GetBoolean() ? "and" : "not")} the store's scrub and repair; "
            + $"scrub/repair {(work.GetProperty("repairRunning").GetBoolean() ? "running now" : "idle")}; "
            + (lost.Length == 0 ? "no drive to repair from." : $"repairing away from: {lost}.")));
        var moves = work.GetProperty("moves");
        AnsiConsole.MarkupLine(Markup.Escape(
            $"Fragment mover: {moves.GetProperty("state").GetString()}; {moves.GetProperty("fragmentsMoved").GetInt64()} of {moves.GetProperty("fragmentsPlanned").GetInt64()} fragments moved"
            + $" ({Bytes(moves.GetProperty("bytesMoved").GetInt64())}, {Bytes((long)moves.GetProperty("bytesPerSecond").GetDouble())}/s of {Bytes(moves.GetProperty("rateLimitBytesPerSecond").GetInt64())}/s),"
            + $" {moves.GetProperty("fragmentsFailed").GetInt64()} failed, {moves.GetProperty("fragmentsSkipped").GetInt64()} skipped"
            + (moves.GetProperty("startedAt").ValueKind == JsonValueKind.String ? $"; started {moves.GetProperty("startedAt").GetString()}" : "")
            + (moves.GetProperty("stopped").ValueKind == JsonValueKind.String ? $"; stopped: {moves.GetProperty("stopped").GetString()}" : "") + "."));
        var draining = work.GetProperty("draining");
        if (draining.GetArrayLength() == 0) return;
        var evacuation = new Table().AddColumns("Draining drive", "Node", "Fragments left", "Bytes left", "Evacuated");
        foreach (var d in draining.EnumerateArray())
            evacuation.AddRow(Markup.Escape(d.GetProperty("drive").GetString() ?? ""), Markup.Escape(d.GetProperty("node").GetString() ?? ""),
                d.GetProperty("fragmentsRemaining").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                Bytes(d.GetProperty("bytesRemaining").GetInt64()), d.GetProperty("evacuated").GetBoolean() ? "yes" : "no");
        AnsiConsole.Write(evacuation);
    }

    private static string Tended(JsonElement work) =>
        work.GetProperty("rangesTended").EnumerateArray().Select(r => r.GetString()).ToArray() is { Length: > 0 } ranges
            ? (ranges.Length == 1 ? "range " : "ranges ") + string.Join(", ", ranges) : "no range";

    private static void RenderLayout(JsonElement value)
    {
        var table = new Table().AddColumns("Blob", "Code", "Drives (slot order)");
        foreach (var b in value.GetProperty("blobs").EnumerateArray())
            table.AddRow(Markup.Escape(b.GetProperty("blobId").GetString() ?? ""), $"{b.GetProperty("dataFragments")}+{b.GetProperty("parityFragments")}",
                Markup.Escape(string.Join(" ", b.GetProperty("drives").EnumerateArray().Select(d => d.GetString()))));
        AnsiConsole.Write(table);
    }

    private static void RenderObject(JsonElement value)
    {
        var table = new Table().AddColumns("Property", "Value");
        foreach (var p in value.EnumerateObject()) table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Value.ToString()));
        AnsiConsole.Write(table);
    }

    /// <summary>The figures as a table, then how many stripes of each code sit at each margin (fragments to spare).</summary>
    private static void RenderDurability(JsonElement value)
    {
        var table = new Table().AddColumns("Property", "Value");
        foreach (var p in value.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Array))
            table.AddRow(Markup.Escape(p.Name), Markup.Escape(p.Value.ToString()));
        AnsiConsole.Write(table);
        var margins = new Table().AddColumns("Code", "Margin", "Stripes");
        foreach (var m in value.GetProperty("stripeMargins").EnumerateArray())
            margins.AddRow($"{m.GetProperty("dataFragments").GetInt32()}+{m.GetProperty("parityFragments").GetInt32()}",
                m.GetProperty("margin").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
                m.GetProperty("stripes").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(margins);
    }

    internal static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        var u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{n} B" : $"{v:0.##} {units[u]}";
    }
}
