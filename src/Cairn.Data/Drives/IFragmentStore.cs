namespace Cairn.Data.Drives;

/// <summary>
/// The fragment-store seam: immutable fragment files on one drive. There is deliberately no
/// "modify": a fragment is created, committed (durable), read, and deleted whole.
/// </summary>
public interface IFragmentStore
{
    string DriveId { get; }

    /// <summary>Starts a new fragment; nothing is visible or durable until the sink commits.</summary>
    ValueTask<IFragmentSink> CreateAsync(string blobId, int slot, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a rebuilt fragment that, once committed, atomically takes the place of any fragment of the
    /// same blob and slot on this drive (a rotten one): written aside, then renamed over it.
    /// </summary>
    ValueTask<IFragmentSink> CreateReplacementAsync(string blobId, int slot, CancellationToken cancellationToken = default);

    /// <summary>Opens a committed fragment for random-access reads, or null when it is missing.</summary>
    ValueTask<IFragmentSource?> OpenAsync(string blobId, int slot, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every block of a committed fragment holding <paramref name="dataLength"/> data bytes and checks
    /// it, where the drive is: a remote drive's owner does the reading and only the verdict comes back.
    /// Rot is an answer (<see cref="FragmentHealth.Corrupt"/>); a drive that fails or cannot be reached throws
    /// an <see cref="IOException"/>, as its reads would.
    /// </summary>
    ValueTask<FragmentCheck> VerifyAsync(string blobId, int slot, long dataLength, CancellationToken cancellationToken = default);

    ValueTask DeleteAsync(string blobId, int slot, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every fragment file on the drive. A listing that runs to its end is also the drive's count of what it holds
    /// (<see cref="DriveStats.Census"/>): the owner's orphan sweep lists its drives at start and every sweep interval.
    /// </summary>
    IAsyncEnumerable<FragmentInfo> ListAsync(CancellationToken cancellationToken = default);

    DriveStats Stats();

    /// <summary>Whether the drive was usable when last seen: cheap, never waits on a disk or a network.</summary>
    bool IsOnline { get; }

    /// <summary>
    /// Whether the drive is known to be away: it failed and has not answered since (a drive never reached yet is not).
    /// A writer does not wait for such a drive; it writes that fragment missing, for repair to complete.
    /// </summary>
    bool IsKnownAway => !IsOnline;

    /// <summary>Re-checks the drive, bringing it back into use if it returned.</summary>
    bool TryInitialize();
}

public interface IFragmentSink : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Makes the fragment durable: file and directory entry fsync'd.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

public interface IFragmentSource : IDisposable
{
    long Length { get; }

    ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default);
}

public sealed record FragmentInfo(string BlobId, int Slot, long Length, DateTimeOffset LastWrite);

/// <param name="Census">What the drive held at its last full listing; null while offline or before one.</param>
/// <param name="SetUpAt">
/// When its node last set the drive up empty (its folders made on a new or replaced disk): a later time than the last one
/// seen means the disk was replaced, even when nobody saw it offline in between.
/// </param>
public sealed record DriveStats(string DriveId, string Path, long TotalBytes, long FreeBytes, bool Online, FragmentCensus? Census = null,
    DateTimeOffset? SetUpAt = null);

/// <summary>The fragments a drive held and their bytes on disk, counted by a full listing that ended at <paramref name="At"/>.</summary>
public sealed record FragmentCensus(long Fragments, long Bytes, DateTimeOffset At);
