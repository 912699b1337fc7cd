namespace Cairn.Index.Objects;

/// <summary>
/// Serialises read-modify-write commits on one key (find the null version, flip the pointer) while
/// letting different keys commit in parallel. Striped so memory stays bounded.
/// </summary>
public sealed class KeyLocks
{
    private readonly SemaphoreSlim[] stripes;

    public KeyLocks(int stripeCount = 1024)
    {
        stripes = new SemaphoreSlim[stripeCount];
        for (var i = 0; i < stripeCount; i++) stripes[i] = new SemaphoreSlim(1, 1);
    }

    public async ValueTask<Releaser> AcquireAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        var stripe = stripes[(uint)HashCode.Combine(bucket, key) % (uint)stripes.Length];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
