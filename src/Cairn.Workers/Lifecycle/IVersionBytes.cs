using Cairn.Index.Records;

namespace Cairn.Workers.Lifecycle;

/// <summary>Reads a version's verified bytes, whichever way they are held (inline, one blob, stitched parts).</summary>
public interface IVersionBytes
{
    Stream OpenStream(VersionRecord version, CancellationToken cancellationToken);
}
