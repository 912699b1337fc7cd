namespace Cairn.Checking.Campaign.Network;

/// <summary>
/// The switch every relay of a <see cref="FaultProxy"/> waits at before it reads, writes or connects: open while the
/// link passes, shut while it is blackholed; opening it releases every waiter at once.
/// </summary>
internal sealed class LinkGate
{
    private readonly Lock sync = new();
    private TaskCompletionSource? shut; // null while open

    public LinkState State
    {
        get
        {
            lock (sync) return shut is null ? LinkState.Pass : LinkState.Blackhole;
        }
        set
        {
            TaskCompletionSource? opened = null;
            lock (sync)
            {
                if (value == LinkState.Pass) (opened, shut) = (shut, null);
                else shut ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            opened?.TrySetResult();
        }
    }

    /// <summary>Completes at once while the link passes; otherwise when it passes again (or the token is cancelled).</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        Task waiting;
        lock (sync) waiting = shut?.Task ?? Task.CompletedTask;
        return waiting.IsCompleted ? waiting : waiting.WaitAsync(cancellationToken);
    }
}
