namespace Cairn.Workers;

/// <summary>
/// Whether this node runs the background work that must run once for the index, not once per node:
/// garbage collection, lifecycle and scrub with repair. A single node always does; in a cluster the node
/// whose replica leads the range does, so a change of leader moves the work with it.
/// </summary>
public interface IWorkOwnership
{
    bool OwnsIndexWork { get; }
}

/// <summary>A node alone: it owns all of its work.</summary>
public sealed class SoleOwner : IWorkOwnership
{
    public bool OwnsIndexWork => true;
}
