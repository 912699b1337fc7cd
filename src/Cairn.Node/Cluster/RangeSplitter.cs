using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus;
using Cairn.Core.Errors;
using Cairn.Core.Keys;
using Cairn.Index.Commands;
using Cairn.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node.Cluster;

/// <summary>
/// Splits ranges. A split is two commands, each under a request id fixed by the range and its generation, so any
/// node may retry either: first the meta group's SplitRange (the map names the new half and its group id; routers
/// start sending the half's keys there, and wait while it is not yet served), then the range's own SplitShard at
/// the same point (the range stops owning those keys at that entry, and every member makes the new half's store
/// from its state there; <see cref="ClusterRuntime"/> then starts the new group on it). A crash between the two
/// leaves a map whose range ends before its store does: the range's leader finishes such splits on its next pass.
/// Each range is watched by its own leader, so a node splits the ranges it leads, wherever their keys are. Ranges holding more than <see cref="ClusterOptions.SplitObjects"/> objects are split at their middle key;
/// ranges applying more than <see cref="ClusterOptions.SplitRate"/> commands a second over <see cref="BusyPasses"/>
/// passes in a row are split at the median of the keys written lately (<see cref="RangeLoad"/>), so the halves share
/// the writes and their leaders can sit on different nodes. Only writes count: every replica serves reads past its
/// read barrier, but every write of a range goes through its one leader.
/// The same pass merges small cold ranges (<see cref="RangeMerger"/>): it reads the write rate of every range once.
/// </summary>
public sealed partial class RangeSplitter(ClusterRuntime cluster, RangeMerger merger, TimeProvider time, ILogger<RangeSplitter> log)
    : BackgroundService
{
    /// <summary>Passes in a row a range must be busy for: a burst, or the replay of a log at start, is not a load.</summary>
    public const int BusyPasses = 2;

    private readonly Dictionary<string, int> busy = [];

    /// <summary>Splits the range holding (bucket, key) at that key, which becomes the first key of the new range.</summary>
    public async Task<RangeDescriptor> SplitAsync(string bucket, string key, CancellationToken cancellationToken, bool byOperator = false)
    {
        var map = await cluster.Meta.ReadAsync(cancellationToken).ConfigureAwait(false);
        var range = map.RangeFor(bucket, key);
        await merger.RequireSettledAsync(range, cancellationToken).ConfigureAwait(false);
        ClusterMap after;
        try
        {
            after = await cluster.Meta.ExecuteAsync(new SplitRange(range.GroupId, bucket, key, range.Generation)
            {
                At = time.GetUtcNow(), RequestId = $"split/g{range.GroupId}/{range.Generation}", ByOperator = byOperator,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (MetaCommandException e) when (e.Error == MetaError.SplitOutsideRange)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, $"{bucket}/{key} is where a range already starts: nothing to split.");
        }
        catch (MetaCommandException e) when (e.Error == MetaError.StaleGeneration)
        {
            throw new S3Exception(S3ErrorCode.OperationAborted, $"The range changed meanwhile ({e.Message}); try again.");
        }
        var right = after.RangeFor(bucket, key);
        await FinishAsync(after.Group(range.GroupId)!, right, cancellationToken).ConfigureAwait(false);
        LogSplit(ClusterRuntime.GroupName(range.GroupId), ClusterRuntime.GroupName(right.GroupId), RangeKeys.Show(right.Start));
        return right;
    }

    /// <summary>
    /// The range's own half of a split the map already shows: <paramref name="left"/> ends where <paramref name="right"/>
    /// starts. Through this node's replica, or a member's when this node holds none.
    /// </summary>
    private async Task FinishAsync(RangeDescriptor left, RangeDescriptor right, CancellationToken cancellationToken)
    {
        var name = ClusterRuntime.GroupName(left.GroupId);
        var shard = cluster.Ranges.Ranges.FirstOrDefault(r => r.Name == name)?.Shard ?? throw new InvalidOperationException($"No way to reach {name} from here yet.");
        var newRange = ClusterRuntime.GroupName(right.GroupId);
        await shard.ExecuteAsync(new SplitShard(right.Start, newRange) { At = time.GetUtcNow(), RequestId = $"split/{name}/{newRange}" },
            cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Options.SplitCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            // Read on every pass, leader or not, so that each reading covers one interval. A range's leader splits it.
            var loads = new Dictionary<string, (RangeReplica Replica, RangeLoadReading Reading)>();
            var readings = new Dictionary<string, RangeLoadReading>();
            foreach (var replica in cluster.Replicas)
            {
                var reading = replica.Load.Take();
                readings[replica.Group.Id] = reading;
                if (replica.IsLeader) loads[replica.Group.Id] = (replica, reading);
            }
            foreach (var name in busy.Keys.Except(loads.Keys).ToList()) busy.Remove(name);
            try
            {
                await FinishInterruptedAsync(stoppingToken).ConfigureAwait(false);
                await SplitLargeAsync(stoppingToken).ConfigureAwait(false);
                await SplitBusyAsync(loads, stoppingToken).ConfigureAwait(false);
                await merger.PassAsync(readings, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(e);
            }
        }
    }

    /// <summary>Ranges whose store still spans past where the map ends them: a split whose second command is missing.</summary>
    private async Task FinishInterruptedAsync(CancellationToken cancellationToken)
    {
        var map = cluster.Map;
        foreach (var range in map.Ranges)
        {
            if (range.End is not { } end || cluster.Replica(ClusterRuntime.GroupName(range.GroupId)) is not { IsLeader: true } replica) continue;
            var span = replica.Span;
            if (RangeKeys.CompareEnd(span.End, end) <= 0 || !span.Contains(end)) continue;
            await replica.Shard.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
            if (RangeKeys.CompareEnd(replica.Span.End, end) <= 0) continue;
            await FinishAsync(range, map.RangeAt(end), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SplitLargeAsync(CancellationToken cancellationToken)
    {
        if (cluster.Options.SplitObjects <= 0) return;
        foreach (var range in cluster.Map.Ranges)
        {
            if (cluster.Replica(ClusterRuntime.GroupName(range.GroupId)) is not { IsLeader: true } replica) continue;
            // The store's key estimate counts every row (versions, references, request outcomes): a cheap filter before counting objects.
            if (replica.EstimatedKeys <= cluster.Options.SplitObjects) continue;
            if (replica.MiddleKey() is not { Objects: var objects, Bucket: var bucket, Key: var key } || objects <= cluster.Options.SplitObjects) continue;
            LogSplitting(ClusterRuntime.GroupName(range.GroupId), objects, cluster.Options.SplitObjects);
            await SplitAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SplitBusyAsync(Dictionary<string, (RangeReplica Replica, RangeLoadReading Reading)> loads, CancellationToken cancellationToken)
    {
        if (cluster.Options.SplitRate <= 0) return;
        foreach (var (name, (replica, reading)) in loads)
        {
            if (reading.CommandsPerSecond <= cluster.Options.SplitRate)
            {
                busy.Remove(name);
                continue;
            }
            busy[name] = busy.GetValueOrDefault(name) + 1;
            if (busy[name] < BusyPasses) continue;
            busy.Remove(name);
            var span = replica.Span;
            if (reading.SplitPoint(span.Start, span.End) is not { } point) continue;
            LogSplittingBusy(name, reading.CommandsPerSecond, cluster.Options.SplitRate);
            try
            {
                await SplitAsync(point.Bucket, point.Key, cancellationToken).ConfigureAwait(false);
            }
            catch (S3Exception e) when (e.Code.Code == S3ErrorCode.InvalidArgument.Code)
            {
                // A split since the reading made that key a range's start already.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Range {Range} applied {Rate:F0} commands/s, more than {Limit}: splitting it at the median key written")]
    private partial void LogSplittingBusy(string range, double rate, double limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Range {Left} split: {Right} starts at {Point}")]
    private partial void LogSplit(string left, string right, string point);

    [LoggerMessage(Level = LogLevel.Information, Message = "Range {Range} holds {Objects} objects, more than {Limit}: splitting it")]
    private partial void LogSplitting(string range, long objects, long limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Range split pass failed; trying again on the next")]
    private partial void LogPassFailed(Exception e);
}
