using Cairn.Checking.History;

namespace Cairn.Checking.Tests;

/// <summary>Builds histories by hand: each call with its client, its result and its [from, to] interval on one clock.</summary>
internal sealed class HandHistory
{
    private readonly List<Operation> operations = [];

    public HandHistory Put(int client, string key, string value, long from, long to, OperationResult? result = null) =>
        Add(client, key, OperationKind.Put, value, null, result ?? OperationResult.Ok, from, to);

    public HandHistory PutIfAbsent(int client, string key, string value, OperationResult result, long from, long to) =>
        Add(client, key, OperationKind.PutIfAbsent, value, null, result, from, to);

    public HandHistory PutIfMatch(int client, string key, string value, string expected, OperationResult result, long from, long to) =>
        Add(client, key, OperationKind.PutIfMatch, value, expected, result, from, to);

    /// <summary>A GET that read <paramref name="value"/>, or NoSuchKey when it is null.</summary>
    public HandHistory Get(int client, string key, string? value, long from, long to) =>
        Add(client, key, OperationKind.Get, null, null, value is null ? OperationResult.NotFound : OperationResult.Found(value), from, to);

    public HandHistory Delete(int client, string key, long from, long to, OperationResult? result = null) =>
        Add(client, key, OperationKind.Delete, null, null, result ?? OperationResult.Ok, from, to);

    public HandHistory DeleteIfMatch(int client, string key, string expected, OperationResult result, long from, long to) =>
        Add(client, key, OperationKind.DeleteIfMatch, null, expected, result, from, to);

    /// <summary>A listing of <paramref name="prefix"/> that returned these keys with the values their ETags identify.</summary>
    public HandHistory List(int client, string prefix, IReadOnlyDictionary<string, string?> listed, long from, long to) =>
        Add(client, prefix, OperationKind.List, null, null, OperationResult.Listing(listed), from, to);

    public HandHistory Add(int client, string key, OperationKind kind, string? value, string? expected, OperationResult result, long from, long to)
    {
        operations.Add(new Operation(operations.Count, client, key, kind, value, expected, result, from,
            result.Kind == ResultKind.Unknown ? Operation.Never : to));
        return this;
    }

    public OperationHistory Build(params string[] keys) => new(operations, keys);

    public CheckResult Check(params string[] keys) => new LinearizabilityChecker().Check(Build(keys));
}
