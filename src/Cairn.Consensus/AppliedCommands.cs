using System.Collections.Concurrent;

namespace Cairn.Consensus;

/// <summary>
/// Where the apply of a log entry meets the caller that replicated it: the caller waits on its request id,
/// the state machine reports each applied request id's outcome. Only the replica a command was issued on
/// has a waiter; elsewhere reporting finds none. Range groups report a <see cref="CommandOutcome"/>, the
/// meta group a <see cref="Meta.MetaOutcome"/>.
/// </summary>
public sealed class AppliedCommands<TOutcome>
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TOutcome>> waiting = new();

    /// <summary>The outcome of the request id once applied here; a second caller of the same id shares the first's wait.</summary>
    public TaskCompletionSource<TOutcome> Await(string requestId) =>
        waiting.GetOrAdd(requestId, static _ => new TaskCompletionSource<TOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Report(string requestId, TOutcome outcome)
    {
        if (waiting.TryRemove(requestId, out var waiter)) waiter.TrySetResult(outcome);
    }

    /// <summary>Stops waiting (the caller gave up); a later apply then finds no waiter.</summary>
    public void Forget(string requestId, TaskCompletionSource<TOutcome> waiter) =>
        waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource<TOutcome>>(requestId, waiter));
}
