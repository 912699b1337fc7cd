using Cairn.Index.Commands;

namespace Cairn.Index.Shards;

/// <summary>
/// Sees every command the router ran and how long it took from issue to its durable outcome (committed, or refused by
/// the apply), retries after a split included: what index commit latency metrics measure. Must be quick.
/// </summary>
public interface IIndexCommandObserver
{
    void Executed(IndexCommand command, TimeSpan duration);
}
