namespace Cairn.Data.Drives;

/// <summary>
/// How long each fragment the orphan sweeps find unreferenced has stayed so, in elapsed time (monotonic): a fragment is
/// due for freeing once sweeps have found it unreferenced, and not being written, for the grace. Neither its file's time
/// nor the wall clock is read: a clock that runs ahead (or steps forward) would make the fragments of a PUT still in
/// flight on another node look old, and freeing them before the commit would lose acknowledged bytes. A fragment a sweep
/// no longer finds unreferenced (committed meanwhile, or gone) starts over; so does everything after a restart.
/// One sweep at a time.
/// </summary>
public sealed class OrphanAges(TimeProvider time, TimeSpan grace)
{
    private Dictionary<(string Drive, string BlobId, int Slot), long> firstFound = [];
    private Dictionary<(string Drive, string BlobId, int Slot), long> found = [];
    private long sweepStarted;

    public void BeginSweep()
    {
        sweepStarted = time.GetTimestamp();
        found = [];
    }

    /// <summary>Records that this sweep found the fragment unreferenced; whether it has stayed so for the grace.</summary>
    public bool IsDue(string driveId, FragmentInfo fragment)
    {
        var key = (driveId, fragment.BlobId, fragment.Slot);
        var since = firstFound.GetValueOrDefault(key, sweepStarted);
        found[key] = since;
        return time.GetElapsedTime(since, sweepStarted) >= grace;
    }

    /// <summary>Forgets the fragments this sweep did not find unreferenced.</summary>
    public void EndSweep() => firstFound = found;
}
