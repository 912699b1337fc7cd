using System.Diagnostics;
using System.Globalization;
using Cairn.Checking.Campaign.Faults;
using Cairn.Checking.Search;
using Cairn.Checking.Workload;

namespace Cairn.Checking.Campaign;

/// <summary>What a campaign found; <see cref="Passed"/> when it kept every promise.</summary>
public sealed record CampaignOutcome(
    int Operations, IReadOnlyList<string> Faults, SearchOutcome Verdict, DurabilityOutcome Durability, int OrphanFragments, int GaveUp,
    TimeSpan LongestUnavailable)
{
    public int Violations => Verdict == SearchOutcome.NotLinearizable ? 1 : 0;

    public bool Passed => Verdict == SearchOutcome.Linearizable && Durability.Lost.Count == 0 && Durability.Resurrected.Count == 0
        && Durability.Unreadable.Count == 0 && OrphanFragments == 0;

    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"campaign: {Operations:N0} operations, {Faults.Count} faults, {Violations} violations ({Verdict}), {Durability.Lost.Count} lost writes, "
        + $"{Durability.Resurrected.Count} resurrected, {Durability.Unreadable.Count} unreadable, {OrphanFragments} orphan fragments, "
        + $"longest unavailability {LongestUnavailable.TotalSeconds:F1} s");
}

/// <summary>
/// A fault campaign in the spirit of Jepsen: starts a local cluster, runs the linearizability workload (clients over
/// every node, a few keys) and the acknowledged-writes workload side by side, injects a fault every
/// <see cref="CampaignSettings.FaultEvery"/> and heals it before the next, then, with the cluster whole again, checks
/// the history, reads back every acknowledged object, deletes everything and waits for the GC to leave no fragment.
/// </summary>
public static class CampaignRun
{
    private static readonly TimeSpan OrphanPatience = TimeSpan.FromSeconds(150);

    public static async Task<CampaignOutcome> RunAsync(CampaignSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:F1} s] {line}"));

        var random = new Random(settings.Seed);
        await using var cluster = CampaignCluster.Create(settings);
        Log($"starting {settings.Nodes} nodes (code {settings.Code}) under {settings.DataFolder}");
        await cluster.StartAsync(cancellationToken).ConfigureAwait(false);

        var bucket = $"campaign-{Guid.NewGuid():N}"[..24];
        await CreateBucketAsync(cluster, bucket, cancellationToken).ConfigureAwait(false);
        var writes = new AcknowledgedWrites(cluster, bucket, writers: 4, random.Next());
        var workload = new WorkloadSettings(cluster.Nodes.Select(n => n.S3Endpoint).ToList(), settings.Credentials, CampaignSettings.Region,
            Clients: 2 * settings.Nodes, Keys: 8, settings.Duration, OperationsPerClient: 1_000_000, RequestTimeout: TimeSpan.FromSeconds(10),
            WorkloadSettings.DefaultOperations, random.Next());
        Log($"workloads: {workload.Clients} checked clients on {workload.Keys} keys, 4 writers of acknowledged objects, for {settings.Duration.TotalSeconds:0} s");

        var recording = Task.Run(() => WorkloadRun.RecordAsync(workload, cancellationToken), cancellationToken);
        var writing = Task.Run(() => writes.RunAsync(settings.Duration, cancellationToken), cancellationToken);
        var faults = await InjectAsync(cluster, settings, random, Log, cancellationToken).ConfigureAwait(false);

        await writing.ConfigureAwait(false);
        var record = await recording.ConfigureAwait(false);
        await MakeWholeAsync(cluster, cancellationToken).ConfigureAwait(false);
        Log($"recorded {record.History.Operations.Count:N0} checked calls and {writes.Objects.Count:N0} acknowledged objects ({writes.Deletes:N0} deleted again); checking");

        var checking = Stopwatch.StartNew();
        var result = new LinearizabilityChecker(CheckerOptions.Default).Check(record.History);
        Log(RunReport.Format(record, result, checking.Elapsed).TrimEnd());
        var durability = await DurabilityCheck.RunAsync(cluster, writes, cancellationToken).ConfigureAwait(false);
        foreach (var line in durability.Lost.Concat(durability.Resurrected.Select(k => $"{k}: deleted, yet reads back")).Concat(durability.Unreadable.Select(k => $"{k}: unreadable")).Take(20))
            Log("  " + line);
        if (durability.LateApplied.Count > 0) Log($"  {durability.LateApplied.Count} deleted keys read back after a PUT of theirs went unanswered (it may apply late)");

        var orphans = await OrphansAsync(cluster, writes, Log, cancellationToken).ConfigureAwait(false);
        return new CampaignOutcome(record.History.Operations.Count + writes.Objects.Count + writes.Deletes, faults, result.Outcome, durability, orphans,
            writes.GaveUp, writes.LongestUnavailable);
    }

    /// <summary>A fault every FaultEvery: a quiet spell, the fault, held a while, healed. Returns what was injected.</summary>
    private static async Task<IReadOnlyList<string>> InjectAsync(CampaignCluster cluster, CampaignSettings settings, Random random, Action<string> log,
        CancellationToken cancellationToken)
    {
        var injected = new List<string>();
        if (settings.Faults.Count == 0)
        {
            await Task.Delay(settings.Duration, cancellationToken).ConfigureAwait(false);
            return injected;
        }
        var plan = new FaultPlan(cluster, settings.Faults, settings.Parity, random);
        var started = Stopwatch.StartNew();
        while (started.Elapsed + settings.FaultEvery <= settings.Duration)
        {
            await Task.Delay(settings.FaultEvery * (0.2 + 0.2 * random.NextDouble()), cancellationToken).ConfigureAwait(false);
            var fault = await plan.NextAsync(cancellationToken).ConfigureAwait(false);
            log($"inject: {fault.Description}");
            await fault.InjectAsync(cancellationToken).ConfigureAwait(false);
            injected.Add(fault.Description);
            await Task.Delay(settings.FaultEvery * (0.4 + 0.2 * random.NextDouble()), cancellationToken).ConfigureAwait(false);
            await fault.HealAsync(cancellationToken).ConfigureAwait(false);
            log($"healed: {fault.Description}");
        }
        var rest = settings.Duration - started.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
        return injected;
    }

    /// <summary>Every node running, resumed and ready.</summary>
    private static async Task MakeWholeAsync(CampaignCluster cluster, CancellationToken cancellationToken)
    {
        foreach (var node in cluster.Nodes)
        {
            if (node.IsPaused) node.Resume();
            if (!node.IsRunning) await cluster.RestartAsync(node, cancellationToken).ConfigureAwait(false);
        }
        await Task.WhenAll(cluster.Nodes.Select(n => n.WaitReadyAsync(TimeSpan.FromMinutes(2), cancellationToken))).ConfigureAwait(false);
    }

    private static async Task CreateBucketAsync(CampaignCluster cluster, string bucket, CancellationToken cancellationToken)
    {
        using var http = AcknowledgedWrites.NewHttpClient();
        var answer = await cluster.Connection(cluster.Nodes[0], http).CreateBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        if (!answer.Is(200)) throw new WorkloadFailed($"could not create bucket {bucket}: {answer}");
    }

    /// <summary>
    /// Deletes every object still there, then waits for the GC to free every fragment: what is left after
    /// <see cref="OrphanPatience"/> (longer than the nodes' GC grace and sweep) is orphaned bytes.
    /// </summary>
    private static async Task<int> OrphansAsync(CampaignCluster cluster, AcknowledgedWrites writes, Action<string> log, CancellationToken cancellationToken)
    {
        using var http = AcknowledgedWrites.NewHttpClient();
        var turn = 0;
        foreach (var key in writes.Objects.Keys)
        {
            for (var attempt = 0; attempt < 20; attempt++, turn++)
            {
                try
                {
                    var answer = await cluster.Connection(cluster.Nodes[turn % cluster.Nodes.Count], http).DeleteAsync(writes.Bucket, key, null, cancellationToken)
                        .ConfigureAwait(false);
                    if (answer.Status is 204 or 200 or 404) break;
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                }
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
        }
        log($"deleted every object; waiting for the GC to free {cluster.FragmentFiles():N0} fragment files");
        var waited = Stopwatch.StartNew();
        while (cluster.FragmentFiles() > 0 && waited.Elapsed < OrphanPatience) await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
        var left = cluster.FragmentFiles();
        log(left == 0 ? $"every fragment freed after {waited.Elapsed.TotalSeconds:F0} s" : $"{left} fragment files left after {OrphanPatience.TotalSeconds:0} s: orphaned bytes");
        return left;
    }
}
