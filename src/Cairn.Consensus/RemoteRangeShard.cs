using System.Net;
using System.Text.Json;
using Cairn.Index.Commands;
using Cairn.Index.Shards;

namespace Cairn.Consensus;

/// <summary>
/// A range group this node holds no replica of, reached through its members' cluster endpoints: a command goes to
/// a member, which leads it or forwards it to the leader (<see cref="RangeGroupEndpoints"/>), following "not leader"
/// answers and retrying a lost reply with the same request id, as a follower's forwarding does; a read asks a member
/// to pass its read barrier and send the rows of the read's scope (<see cref="FetchedSnapshot"/>). Members that do not
/// answer are skipped for the next; past <see cref="RangeForwardingOptions.Deadline"/> a command's outcome is unknown and
/// a read fails as unavailable.
/// </summary>
public sealed class RemoteRangeShard(string group, IReadOnlyList<EndPoint> members, RangeForwarding forwarding) : IIndexShard
{
    private int preferred;

    public string Group => group;

    public IReadOnlyList<EndPoint> Members => members;

    public async Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        var body = CommandCodec.Encode(command);
        var answer = await SendAsync(RangeRoutes.Commands(group), body, e => new CommandOutcomeUnknownException(command.RequestId!, e), cancellationToken)
            .ConfigureAwait(false);
        return CommandOutcome.Decode(answer).Resolve<TResult>();
    }

    /// <summary>Nothing to wait for here: the member a read goes to passes its own barrier before it reads.</summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask<IIndexSnapshot> ReadAsync(ReadScope scope, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(RangeRoutes.Read(group), JsonSerializer.SerializeToUtf8Bytes(scope, RangeReadJson.Options),
            e => new GroupUnavailableException(group, forwarding.Options.Deadline, e), cancellationToken).ConfigureAwait(false);
        var read = JsonSerializer.Deserialize<RangeRead>(answer, RangeReadJson.Options)
                   ?? throw new InvalidDataException($"A member of {group} sent an empty read.");
        return FetchedSnapshot.Received(read.Rows, read.Covered, read.WindowEnd);
    }

    /// <summary>To the member that answered last, then to the leader a member names, else to the next member, until the deadline.</summary>
    private async Task<byte[]> SendAsync(string route, byte[] body, Func<Exception?, Exception> giveUp, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(forwarding.Options.Deadline, forwarding.Time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var backoff = forwarding.Options.FirstBackoff;
        var at = Volatile.Read(ref preferred) % members.Count;
        EndPoint? named = null;
        Exception? last = null;
        while (true)
        {
            var target = named ?? members[at];
            named = null;
            try
            {
                var answer = await forwarding.SendAsync(group, target, route, body, bounded.Token).ConfigureAwait(false);
                var index = IndexOf(target);
                if (index >= 0) Volatile.Write(ref preferred, index);
                return answer;
            }
            catch (NotLeaderException e)
            {
                // A member that knows the leader names it; one with no replica here, or no leader, names none.
                last = e;
                named = e.Leader;
                if (named is null) at = (at + 1) % members.Count;
                else continue;
            }
            catch (Exception e) when (e is LeaderUnreachableException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (e is not OperationCanceledException || last is null) last = e;
                at = (at + 1) % members.Count;
            }
            try
            {
                await Task.Delay(backoff, forwarding.Time, bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw giveUp(last);
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, forwarding.Options.MaxBackoff.Ticks));
        }
    }

    private int IndexOf(EndPoint target)
    {
        for (var i = 0; i < members.Count; i++)
            if (string.Equals(members[i].ToString(), target.ToString(), StringComparison.Ordinal)) return i;
        return -1;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What a member sends for a read: the rows of the scope, the spans they cover, and where a window stopped.</summary>
internal sealed record RangeRead(IReadOnlyList<IndexEntry> Rows, IReadOnlyList<RowSpan> Covered, byte[]? WindowEnd);

internal static class RangeReadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
