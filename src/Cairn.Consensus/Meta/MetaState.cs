using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;

namespace Cairn.Consensus.Meta;

/// <summary>
/// The meta group's replicated state after the log entry at <see cref="Index"/> (of term <see cref="Term"/>):
/// the cluster map and the outcomes of the latest <see cref="RememberedRequests"/> request ids. Immutable, so
/// a reader takes the current state with one read. <see cref="Apply"/> is the group's deterministic step: it
/// reads only this state and the command, so every replica applying the same log holds the same state.
/// </summary>
internal sealed class MetaState
{
    /// <summary>
    /// How many request ids' outcomes are remembered (the oldest is forgotten first). Part of the deterministic
    /// apply — every replica must forget the same ids at the same entry — so it is a constant, not a setting. A
    /// retry comes within the issuer's forwarding deadline (seconds), long before this many newer commands.
    /// </summary>
    public const int RememberedRequests = 10_000;

    private readonly ImmutableDictionary<string, MetaOutcome> outcomes;
    private readonly ImmutableQueue<string> order; // oldest first

    private MetaState(long index, long term, ClusterMap map, ImmutableDictionary<string, MetaOutcome> outcomes, ImmutableQueue<string> order)
    {
        Index = index;
        Term = term;
        Map = map;
        this.outcomes = outcomes;
        this.order = order;
    }

    public static MetaState Empty { get; } = new(0, 0, ClusterMap.Empty, ImmutableDictionary<string, MetaOutcome>.Empty.WithComparers(StringComparer.Ordinal), []);

    public long Index { get; }
    public long Term { get; }
    public ClusterMap Map { get; }

    /// <summary>
    /// The state after the entry at <paramref name="index"/> carrying <paramref name="command"/>, and the
    /// outcome to report under its request id (null without one). A request id already remembered is
    /// answered with its first outcome and changes nothing; a refusal is an outcome and changes only the
    /// remembered outcomes.
    /// </summary>
    public (MetaState State, MetaOutcome? Outcome) Apply(long index, long term, MetaCommand command)
    {
        if (command.RequestId is { } seen && outcomes.TryGetValue(seen, out var first)) return (At(index, term), first);
        var map = Map;
        MetaOutcome outcome;
        try
        {
            map = MetaStateMachine.Apply(Map, command);
            outcome = new MetaOutcome(index);
        }
        catch (MetaCommandException e)
        {
            outcome = MetaOutcome.Refused(index, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The apply reads only the map and the command, so a malformed command (a missing field it reads)
            // fails the same way on every replica: a refusal like any other.
            outcome = new MetaOutcome(index, MetaError.InvalidArgument, e.Message);
        }
        if (command.RequestId is not { } requestId) return (new MetaState(index, term, map, outcomes, order), null);
        var remembered = outcomes.Add(requestId, outcome);
        var queue = order.Enqueue(requestId);
        if (remembered.Count > RememberedRequests)
        {
            queue = queue.Dequeue(out var oldest);
            remembered = remembered.Remove(oldest);
        }
        return (new MetaState(index, term, map, remembered, queue), outcome);
    }

    /// <summary>The same state after an entry that carries no command (a leader's no-op, a configuration).</summary>
    public MetaState At(long index, long term) => new(index, term, Map, outcomes, order);

    /// <summary>The state as a snapshot's bytes: JSON, the map in <see cref="MetaCodec"/>'s form, the remembered outcomes oldest first.</summary>
    public byte[] Encode()
    {
        using var map = JsonDocument.Parse(MetaCodec.Encode(Map));
        var file = new MetaStateFile(Index, Term, map.RootElement, [.. order.Select(id => new RememberedOutcome(id, outcomes[id]))]);
        return JsonSerializer.SerializeToUtf8Bytes(file, MetaStateJsonContext.Default.MetaStateFile);
    }

    public static MetaState Decode(ReadOnlySpan<byte> bytes)
    {
        var file = JsonSerializer.Deserialize(bytes, MetaStateJsonContext.Default.MetaStateFile) ?? throw new InvalidDataException("An empty meta state.");
        var map = MetaCodec.DecodeMap(Encoding.UTF8.GetBytes(file.Map.GetRawText()));
        var outcomes = Empty.outcomes.AddRange(file.Requests.Select(r => KeyValuePair.Create(r.RequestId, r.Outcome)));
        return new MetaState(file.Index, file.Term, map, outcomes, [.. file.Requests.Select(r => r.RequestId)]);
    }
}

internal sealed record MetaStateFile(long Index, long Term, JsonElement Map, IReadOnlyList<RememberedOutcome> Requests);

internal sealed record RememberedOutcome(string RequestId, MetaOutcome Outcome);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MetaStateFile))]
internal sealed partial class MetaStateJsonContext : JsonSerializerContext;
