namespace Cairn.Cli.Bench;

/// <summary>
/// Every key the run stored, the working set's and the PUT phase's (one list per worker, so recording
/// needs no lock), handed out exactly once to DELETE workers.
/// </summary>
public sealed class KeyLedger(int workers)
{
    private readonly List<string>[] written = Enumerable.Range(0, workers).Select(_ => new List<string>()).ToArray();
    private string[] keys = [];
    private long nextDelete = -1;
    private bool sealedOnce;

    public int Count => keys.Length;

    public void Written(int worker, string key) => written[worker].Add(key);

    /// <summary>Ends the writing: from now on the stored keys are deleted.</summary>
    public void Seal()
    {
        if (sealedOnce) return;
        sealedOnce = true;
        keys = written.SelectMany(k => k).ToArray();
        nextDelete = -1;
    }

    /// <summary>The next key to delete, or null when every key has been handed out.</summary>
    public string? NextToDelete()
    {
        var i = Interlocked.Increment(ref nextDelete);
        return i < keys.Length ? keys[i] : null;
    }
}
