using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Core.Errors;
using Cairn.Core.Keys;
using Cairn.Index.Commands;
using Cairn.Index.Shards;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Merges a range into its left neighbour. A merge is three commands, each under a request id fixed by the ranges (and,
/// for the first, their generations), so any node may retry any of them and a leader finishes one a crash interrupted:
/// <list type="number">
/// <item>the meta group's MergeRanges, the commit point: refused unless both ranges are adjacent, on the same members and
/// unchanged (generations); from then on the map routes the right's keys to the left range, which refuses them (they are
/// outside its store's span) so routers wait, and the map names the right group in the left's descriptor;</item>
/// <item>the right range's SubsumeShard: from that entry it refuses every command and read (writes it acknowledged before
/// are in its store) and writes nothing more; its answer is the entry's index;</item>
/// <item>once every member's replica of the right range applied that entry (a member's read past its read barrier shows
/// the subsumed span), the left range's MergeShard: every member copies its own node's right replica's rows and widens
/// its span. Each node then deletes its right replica (<see cref="ClusterRuntime"/>).</item>
/// </list>
/// The map moves first, not the right range, so that a merge the map refuses (a split or another merge won the race)
/// has frozen nothing. Ranges merge by themselves when two neighbours with the same members hold together fewer than
/// <see cref="ClusterOptions.MergeObjectsLimit"/> objects and both apply fewer than <see cref="ClusterOptions.MergeRateLimit"/>
/// commands a second over <see cref="ColdPasses"/> split checks in a row, merged by the left range's leader.
/// </summary>
public sealed partial class RangeMerger(ClusterRuntime cluster, TimeProvider time, ILogger<RangeMerger> log)
{
    /// <summary>Split checks in a row both ranges must be cold for: a lull between bursts is not a cold range.</summary>
    public const int ColdPasses = 2;

    /// <summary>How long a merge waits for every member's replica of the right range to apply its subsumption.</summary>
    private static readonly TimeSpan MembersCatchUp = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, int> cold = [];

    /// <summary>Merges the range holding (bucket, key) with the range after it; returns the merged range.</summary>
    public async Task<RangeDescriptor> MergeAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var map = await cluster.Meta.ReadAsync(cancellationToken).ConfigureAwait(false);
        var left = map.RangeFor(bucket, key);
        var at = map.Ranges.ToList().FindIndex(r => r.GroupId == left.GroupId);
        if (at + 1 >= map.Ranges.Count)
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"{bucket}/{key} is in the last range: there is no range after it to merge.");
        return await MergeAsync(left, map.Ranges[at + 1], cancellationToken).ConfigureAwait(false);
    }

    private async Task<RangeDescriptor> MergeAsync(RangeDescriptor left, RangeDescriptor right, CancellationToken cancellationToken)
    {
        if (!SameMembers(left, right))
            throw new S3Exception(S3ErrorCode.InvalidArgument,
                $"{ClusterRuntime.GroupName(left.GroupId)} and {ClusterRuntime.GroupName(right.GroupId)} are on different nodes: a replica must move first.");
        await RequireSettledAsync(left, cancellationToken).ConfigureAwait(false);
        await RequireSettledAsync(right, cancellationToken).ConfigureAwait(false);
        ClusterMap after;
        try
        {
            after = await cluster.Meta.ExecuteAsync(new MergeRanges(left.GroupId, right.GroupId, left.Generation, right.Generation)
            {
                At = time.GetUtcNow(), RequestId = $"merge/g{left.GroupId}/{left.Generation}/g{right.GroupId}/{right.Generation}",
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error is MetaError.StaleGeneration or MetaError.NoSuchGroup or MetaError.NotAdjacent)
        {
            throw new S3Exception(S3ErrorCode.OperationAborted, $"The ranges changed meanwhile ({e.Message}); try again.");
        }
        var merged = after.Group(left.GroupId)!;
        await FinishAsync(merged, cancellationToken).ConfigureAwait(false);
        LogMerged(ClusterRuntime.GroupName(right.GroupId), ClusterRuntime.GroupName(left.GroupId), RangeKeys.Show(merged.Start), RangeKeys.Show(merged.End));
        return merged;
    }

    /// <summary>
    /// Refuses (503, retry) to split or merge a range whose store does not yet span what the map says: a split or merge of
    /// it still to finish, whose last command must apply first.
    /// </summary>
    public async Task RequireSettledAsync(RangeDescriptor range, CancellationToken cancellationToken)
    {
        var span = await StoreSpanAsync(ClusterRuntime.GroupName(range.GroupId), cancellationToken).ConfigureAwait(false);
        if (RangeKeys.Compare(span.Start, range.Start) != 0 || RangeKeys.CompareEnd(span.End, range.End) != 0)
            throw new S3Exception(S3ErrorCode.ServiceUnavailable,
                $"{ClusterRuntime.GroupName(range.GroupId)} is still finishing a split or merge (its store spans {span}); try again.");
    }

    /// <summary>The span a range's store records, read past its read barrier through this node's replica or a member.</summary>
    private async Task<ShardSpan> StoreSpanAsync(string name, CancellationToken cancellationToken)
    {
        var shard = cluster.Ranges.Ranges.FirstOrDefault(r => r.Name == name)?.Shard
                    ?? throw new S3Exception(S3ErrorCode.ServiceUnavailable, $"No way to reach {name} from here yet; try again.");
        using var snapshot = await shard.ReadAsync(ReadScope.SpanOnly, cancellationToken).ConfigureAwait(false);
        return ShardSpan.Read(snapshot);
    }

    /// <summary>The ranges' own commands of a merge the map already shows: <paramref name="merged"/> names the right range it took in.</summary>
    private async Task FinishAsync(RangeDescriptor merged, CancellationToken cancellationToken)
    {
        if (merged.Merged is not { } taken) return;
        var leftName = ClusterRuntime.GroupName(merged.GroupId);
        var span = await StoreSpanAsync(leftName, cancellationToken).ConfigureAwait(false);
        if (RangeKeys.CompareEnd(span.End, merged.End) >= 0) return;

        var rightName = ClusterRuntime.GroupName(taken.GroupId);
        var map = cluster.Map;
        var members = merged.Members.Select(m => (EndPoint)ClusterRuntime.ClusterEndPoint(map.Node(m)!)).ToArray();
        IIndexShard right = cluster.Replica(rightName)?.Shard ?? (IIndexShard)new RemoteRangeShard(rightName, members, cluster.Forwarding);
        var subsumedAt = await right.ExecuteAsync(new SubsumeShard(taken.Start) { At = time.GetUtcNow(), RequestId = $"merge/{rightName}/subsume" },
            cancellationToken).ConfigureAwait(false);

        // Every member's right replica past the subsumption before any left replica takes its rows: a node whose left
        // replica merged deletes its right one, and a member still behind could then find no quorum to catch up from.
        foreach (var member in members)
            await WaitSubsumedAsync(rightName, member, cancellationToken).ConfigureAwait(false);

        var leftShard = cluster.Ranges.Ranges.FirstOrDefault(r => r.Name == leftName)?.Shard
                        ?? throw new S3Exception(S3ErrorCode.ServiceUnavailable, $"No way to reach {leftName} from here yet; try again.");
        await leftShard.ExecuteAsync(new MergeShard(rightName, merged.End, subsumedAt) { At = time.GetUtcNow(), RequestId = $"merge/{leftName}/{rightName}" },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the member's replica of the range, read past its own read barrier, shows the subsumed (empty) span.</summary>
    private async Task WaitSubsumedAsync(string rightName, EndPoint member, CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp();
        var one = new RemoteRangeShard(rightName, [member], cluster.Forwarding);
        while (true)
        {
            try
            {
                using var snapshot = await one.ReadAsync(ReadScope.SpanOnly, cancellationToken).ConfigureAwait(false);
                if (RangeStateMachine.Subsumed(ShardSpan.Read(snapshot))) return;
            }
            catch (GroupUnavailableException) when (time.GetElapsedTime(deadline) < MembersCatchUp)
            {
            }
            if (time.GetElapsedTime(deadline) >= MembersCatchUp)
                throw new S3Exception(S3ErrorCode.ServiceUnavailable,
                    $"The replica of {rightName} on {member} did not apply its subsumption within {MembersCatchUp}; the merge finishes on a later pass.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One pass, on every split check: finishes the merges a crash interrupted in the ranges this node leads, then merges
    /// neighbours that were small and cold for <see cref="ColdPasses"/> checks. <paramref name="readings"/> holds this
    /// node's reading of every replica it runs (any member's count is the range's).
    /// </summary>
    public async Task PassAsync(IReadOnlyDictionary<string, RangeLoadReading> readings, CancellationToken cancellationToken)
    {
        await FinishInterruptedAsync(cancellationToken).ConfigureAwait(false);
        await MergeColdAsync(readings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ranges the map has merged whose store does not reach the map's end yet: a merge whose last commands are missing.</summary>
    private async Task FinishInterruptedAsync(CancellationToken cancellationToken)
    {
        foreach (var range in cluster.Map.Ranges)
        {
            if (range.Merged is not { } taken || cluster.Replica(ClusterRuntime.GroupName(range.GroupId)) is not { IsLeader: true } replica) continue;
            if (RangeKeys.CompareEnd(replica.Span.End, range.End) >= 0 || replica.Span.End is not { } end || RangeKeys.Compare(end, taken.Start) != 0) continue;
            LogFinishing(ClusterRuntime.GroupName(taken.GroupId), ClusterRuntime.GroupName(range.GroupId));
            await FinishAsync(range, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MergeColdAsync(IReadOnlyDictionary<string, RangeLoadReading> readings, CancellationToken cancellationToken)
    {
        var limit = cluster.Options.MergeObjectsLimit;
        var rate = cluster.Options.MergeRateLimit;
        var ranges = cluster.Map.Ranges;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < ranges.Count && limit > 0; i++)
        {
            var (left, right) = (ranges[i], ranges[i + 1]);
            var (leftName, rightName) = (ClusterRuntime.GroupName(left.GroupId), ClusterRuntime.GroupName(right.GroupId));
            if (right.SplitByOperator) continue;
            if (cluster.Replica(leftName) is not { IsLeader: true } leftReplica || cluster.Replica(rightName) is not { } rightReplica || !SameMembers(left, right)) continue;
            if (!readings.TryGetValue(leftName, out var leftLoad) || !readings.TryGetValue(rightName, out var rightLoad)
                || leftLoad.CommandsPerSecond >= rate || rightLoad.CommandsPerSecond >= rate) continue;
            var pair = $"{leftName}+{rightName}";
            seen.Add(pair);
            cold[pair] = cold.GetValueOrDefault(pair) + 1;
            if (cold[pair] < ColdPasses) continue;
            var objects = leftReplica.Objects(limit) + rightReplica.Objects(limit);
            if (objects >= limit) continue;
            cold.Remove(pair);
            LogMerging(rightName, leftName, objects, limit);
            await MergeAsync(left, right, cancellationToken).ConfigureAwait(false);
            return; // the map changed: the next pass looks at the ranges afresh
        }
        foreach (var pair in cold.Keys.Except(seen).ToList()) cold.Remove(pair);
    }

    private static bool SameMembers(RangeDescriptor left, RangeDescriptor right) =>
        left.Members.Order(StringComparer.Ordinal).SequenceEqual(right.Members.Order(StringComparer.Ordinal));

    [LoggerMessage(Level = LogLevel.Information, Message = "Range {Right} merged into {Left}, which now spans [{Start}, {End})")]
    private partial void LogMerged(string right, string left, string start, string end);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ranges {Left} and {Right} hold {Objects} objects (fewer than {Limit}) and are cold: merging {Right} into {Left}")]
    private partial void LogMerging(string right, string left, long objects, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finishing the merge of {Right} into {Left}")]
    private partial void LogFinishing(string right, string left);
}
