using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Cairn.Checking.Campaign;

/// <summary>What the durability check found.</summary>
/// <param name="Lost">Acknowledged bodies that did not read back byte-exact (missing, or other bytes).</param>
/// <param name="Resurrected">Acknowledged deletes whose key reads back, with no PUT of it ever left unanswered.</param>
/// <param name="LateApplied">Deleted keys that read back after a PUT of theirs went unanswered: that PUT may apply late.</param>
/// <param name="Unreadable">Keys no node answered for within the check's patience (5xx or no answer).</param>
public sealed record DurabilityOutcome(int Checked, IReadOnlyList<string> Lost, IReadOnlyList<string> Resurrected, IReadOnlyList<string> LateApplied,
    IReadOnlyList<string> Unreadable);

/// <summary>
/// After the faults are healed: every acknowledged object reads back byte-exact, and every acknowledged delete stays
/// deleted, through nodes taken in turn (a 5xx or no answer is asked again on the next node, for a while).
/// </summary>
public static class DurabilityCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Once this many keys were unreadable, the rest get <see cref="ShortPatience"/>: the verdict is known, the time is not wasted.</summary>
    private const int UnreadableBeforeImpatience = 3;

    private static readonly TimeSpan ShortPatience = TimeSpan.FromSeconds(5);

    public static async Task<DurabilityOutcome> RunAsync(CampaignCluster cluster, AcknowledgedWrites writes, CancellationToken cancellationToken)
    {
        var lost = new ConcurrentBag<string>();
        var resurrected = new ConcurrentBag<string>();
        var late = new ConcurrentBag<string>();
        var unreadable = new ConcurrentBag<string>();
        var keys = new ConcurrentQueue<KeyValuePair<string, AcknowledgedObject>>(writes.Objects.OrderBy(p => p.Key, StringComparer.Ordinal));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async reader =>
        {
            using var http = AcknowledgedWrites.NewHttpClient();
            var turn = reader;
            while (keys.TryDequeue(out var item))
            {
                var (key, acknowledged) = (item.Key, item.Value);
                var patience = unreadable.Count >= UnreadableBeforeImpatience ? ShortPatience : Patience;
                var read = await ReadAsync(cluster, http, writes.Bucket, key, () => turn++, patience, cancellationToken).ConfigureAwait(false);
                switch (read)
                {
                    case null:
                        unreadable.Add(key);
                        break;
                    case { Found: false } when acknowledged.Sha256 is not null:
                        lost.Add($"{key}: missing");
                        break;
                    case { Found: true, Sha256: var hash } when acknowledged.Sha256 is { } expected && !hash!.AsSpan().SequenceEqual(expected):
                        lost.Add($"{key}: other bytes");
                        break;
                    case { Found: true } when acknowledged.Sha256 is null:
                        (acknowledged.PutUncertain ? late : resurrected).Add(key);
                        break;
                }
            }
        })).ConfigureAwait(false);
        return new DurabilityOutcome(writes.Objects.Count, lost.Order().ToList(), resurrected.Order().ToList(), late.Order().ToList(), unreadable.Order().ToList());
    }

    private sealed record Read(bool Found, byte[]? Sha256);

    private static async Task<Read?> ReadAsync(CampaignCluster cluster, HttpClient http, string bucket, string key, Func<int> nextTurn, TimeSpan patience,
        CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(began) < patience)
        {
            var node = cluster.Nodes[nextTurn() % cluster.Nodes.Count];
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                var (status, code, body) = await cluster.Connection(node, http).GetBytesAsync(bucket, key, timeout.Token).ConfigureAwait(false);
                if (status == 200) return new Read(true, SHA256.HashData(body));
                if (status == 404 && code is null or "NoSuchKey") return new Read(false, null);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }
}
