namespace Cairn.Cli.Bench;

/// <summary>
/// The keys the PUT phase stored (one list per worker, so recording needs no lock), then handed out
/// round-robin to GET workers and exactly once to DELETE workers.
/// </summary>
public sealed class KeyLedger(int workers)
{
    private readonly List<string>[] written = Enumerable.Range(0, workers).Select(_ => new List<string>()).ToArray();
    private string[] keys = [];
    private long nextGet = -1;
    private long nextDelete = -1;
    private bool sealedOnce;

    public int Count => keys.Length;

    public void Written(int worker, string key) => written[worker].Add(key);

    /// <summary>Ends the PUT phase: from now on the stored keys are read and deleted.</summary>
    public void Seal()
    {
        if (sealedOnce) return;
        sealedOnce = true;
        keys = written.SelectMany(k => k).ToArray();
        nextGet = nextDelete = -1;
    }

    /// <summary>The next key to read; cycles when the GET phase outlasts the keys.</summary>
    public string? NextToRead() => keys.Length == 0 ? null : keys[(int)(Interlocked.Increment(ref nextGet) % keys.Length)];

    /// <summary>The next key to delete, or null when every key has been handed out.</summary>
    public string? NextToDelete()
    {
        var i = Interlocked.Increment(ref nextDelete);
        return i < keys.Length ? keys[i] : null;
    }
}
