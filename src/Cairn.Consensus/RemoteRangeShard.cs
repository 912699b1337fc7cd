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
    private readonly GroupMembers calls = new(group, members, forwarding);

    public string Group => group;

    public IReadOnlyList<EndPoint> Members => members;

    public async Task<TResult> ExecuteAsync<TResult>(IndexCommand<TResult> command, CancellationToken cancellationToken = default)
    {
        if (command.RequestId is null) command = command with { RequestId = Guid.NewGuid().ToString("N") };
        var body = CommandCodec.Encode(command);
        var answer = await calls.SendAsync(RangeRoutes.Commands(group), body, e => new CommandOutcomeUnknownException(command.RequestId!, e), cancellationToken)
            .ConfigureAwait(false);
        return CommandOutcome.Decode(answer).Resolve<TResult>();
    }

    /// <summary>Nothing to wait for here: the member a read goes to passes its own barrier before it reads.</summary>
    public ValueTask ReadBarrierAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public async ValueTask<IIndexSnapshot> ReadAsync(ReadScope scope, CancellationToken cancellationToken = default)
    {
        var answer = await calls.SendAsync(RangeRoutes.Read(group), JsonSerializer.SerializeToUtf8Bytes(scope, RangeReadJson.Options),
            e => new GroupUnavailableException(group, forwarding.Options.Deadline, e), cancellationToken).ConfigureAwait(false);
        var read = JsonSerializer.Deserialize<RangeRead>(answer, RangeReadJson.Options)
                   ?? throw new InvalidDataException($"A member of {group} sent an empty read.");
        return FetchedSnapshot.Received(read.Rows, read.Covered, read.WindowEnd);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What a member sends for a read: the rows of the scope, the spans they cover, and where a window stopped.</summary>
internal sealed record RangeRead(IReadOnlyList<IndexEntry> Rows, IReadOnlyList<RowSpan> Covered, byte[]? WindowEnd);

internal static class RangeReadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
