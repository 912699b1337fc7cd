using System.Buffers.Binary;
using System.Net;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;

namespace Cairn.Consensus.Meta;

/// <summary>
/// The cluster map as a node outside the meta group follows it: fetched from a member, which passes its read barrier
/// first (so a fetch sees every command acknowledged before it) and holds the call until it has applied an entry past
/// the one asked after (<see cref="MetaGroupEndpoints"/>, <c>…/map</c>); commands go to the members like a follower's
/// forwarded ones. The meta group stays at five members however many nodes there are; the others follow it so.
/// </summary>
internal sealed class MetaMirror(string group, RangeForwarding forwarding, Func<IReadOnlyList<EndPoint>> members)
{
    /// <summary>How long a member holds a fetch that waits for a new entry: within one forwarding attempt.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromSeconds(2);

    /// <summary>How often a follower fetches the map in the background: a map is whole (1.5 MiB at 100 nodes), not a delta.</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    private IndexedMap latest = new(0, ClusterMap.Empty);
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The newest map fetched, with the index of the entry it reflects (0 and the empty map before the first).</summary>
    public IndexedMap Latest => Volatile.Read(ref latest);

    /// <summary>Completes when a newer map is fetched. Take it before reading <see cref="Latest"/>.</summary>
    public Task Changed => Volatile.Read(ref changed).Task;

    /// <summary>
    /// Fetches the map from a member once it has applied an entry past <paramref name="after"/> (or at once, past its
    /// read barrier, for -1), keeps it if newer than <see cref="Latest"/>, and returns <see cref="Latest"/>.
    /// </summary>
    public async Task<IndexedMap> FetchAsync(long after, CancellationToken cancellationToken)
    {
        var body = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(body, after);
        var answer = await Calls().SendAsync(MetaRoutes.Map(group), body, e => new GroupUnavailableException(group, forwarding.Options.Deadline, e), cancellationToken)
            .ConfigureAwait(false);
        Keep(new IndexedMap(BinaryPrimitives.ReadInt64BigEndian(answer), MetaCodec.DecodeMap(answer.AsSpan(8))));
        return Latest;
    }

    /// <summary>Runs a command through the group's leader; the outcome names the index it was applied at.</summary>
    public async Task<MetaOutcome> ExecuteAsync(string requestId, byte[] command, CancellationToken cancellationToken) =>
        MetaOutcome.Decode(await Calls().SendAsync(MetaRoutes.Commands(group), command, e => new CommandOutcomeUnknownException(requestId, e), cancellationToken)
            .ConfigureAwait(false));

    private GroupMembers Calls() => new(group, members(), forwarding);

    private void Keep(IndexedMap fetched)
    {
        lock (this)
        {
            if (fetched.Index <= latest.Index) return;
            Volatile.Write(ref latest, fetched);
            var woken = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            woken.TrySetResult();
        }
    }
}

/// <summary>A map and the index of the meta log entry it reflects: maps of one log compare by index.</summary>
internal sealed record IndexedMap(long Index, ClusterMap Map);
