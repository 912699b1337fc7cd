namespace Cairn.Workers;

/// <summary>
/// One pass that writes or moves fragments at a time on this node (scrub with repair, read repair, spread-back):
/// each decides from layouts it read, and a fragment one pass has written but not yet put in a layout must not
/// look stale to another.
/// </summary>
public sealed class LayoutWorkGate
{
    private readonly SemaphoreSlim one = new(1, 1);

    /// <summary>Whether a pass runs now.</summary>
    public bool IsBusy => one.CurrentCount == 0;

    public async Task<T> RunAsync<T>(Func<Task<T>> pass, CancellationToken cancellationToken)
    {
        await one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await pass().ConfigureAwait(false);
        }
        finally
        {
            one.Release();
        }
    }
}
