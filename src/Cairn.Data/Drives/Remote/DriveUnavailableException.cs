namespace Cairn.Data.Drives.Remote;

/// <summary>
/// A drive that cannot be reached or does not answer in time: connection refused, a deadline missed, a
/// 5xx, a stream cut. It is an <see cref="IOException"/>, so the striped writer, the reader and repair
/// treat it exactly as a dead local drive (a lost slot, a shard to rebuild from parity, a bad survivor).
/// </summary>
public sealed class DriveUnavailableException(string driveId, string message, Exception? inner = null)
    : IOException($"drive {driveId} is unavailable: {message}", inner)
{
    public string DriveId { get; } = driveId;
}
