using Cairn.Checking.History;

namespace Cairn.Checking.Tests;

/// <summary>
/// Generates a linearizable history by construction: clients issue overlapping operations, each takes effect at a
/// random instant inside its interval, and results come from applying them to a register in that order.
/// </summary>
internal static class SimulatedRegister
{
    public static OperationHistory Generate(int clients, int operationsPerClient, int seed, string key = "k")
    {
        var random = new Random(seed);
        var planned = new List<(int Client, OperationKind Kind, string? Value, string? Expected, long From, long To, long At)>();
        for (var client = 0; client < clients; client++)
        {
            long now = random.Next(0, 20);
            for (var n = 0; n < operationsPerClient; n++)
            {
                var length = random.Next(5, 60);
                var kind = (OperationKind)random.Next(0, 6);
                var value = kind is OperationKind.Put or OperationKind.PutIfAbsent or OperationKind.PutIfMatch ? $"c{client}-{n}" : null;
                planned.Add((client, kind, value, null, now, now + length, now + random.Next(0, length + 1)));
                now += length + random.Next(0, 4);
            }
        }

        // Apply in effect order; an If-Match names the value the register holds half the time, else an older one.
        string? state = null;
        var written = new List<string>();
        var operations = new List<Operation>();
        foreach (var p in planned.OrderBy(p => p.At))
        {
            var expected = p.Kind is OperationKind.PutIfMatch or OperationKind.DeleteIfMatch
                ? (state is not null && random.Next(2) == 0 ? state : written.Count > 0 ? written[random.Next(written.Count)] : "nothing")
                : null;
            var (result, after) = Apply(p.Kind, state, p.Value, expected);
            state = after;
            if (p.Value is not null && result == OperationResult.Ok) written.Add(p.Value);
            operations.Add(new Operation(operations.Count, p.Client, key, p.Kind, p.Value, expected, result, p.From, p.To));
        }
        return new OperationHistory(operations, [key]);
    }

    private static (OperationResult Result, string? After) Apply(OperationKind kind, string? state, string? value, string? expected) => kind switch
    {
        OperationKind.Put => (OperationResult.Ok, value),
        OperationKind.PutIfAbsent => state is null ? (OperationResult.Ok, value) : (OperationResult.PreconditionFailed, state),
        OperationKind.PutIfMatch => state == expected ? (OperationResult.Ok, value)
            : (state is null ? OperationResult.NotFound : OperationResult.PreconditionFailed, state),
        OperationKind.Get => (state is null ? OperationResult.NotFound : OperationResult.Found(state), state),
        OperationKind.Delete => (OperationResult.Ok, null),
        OperationKind.DeleteIfMatch => state == expected ? (OperationResult.Ok, null)
            : (state is null ? OperationResult.NotFound : OperationResult.PreconditionFailed, state),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
