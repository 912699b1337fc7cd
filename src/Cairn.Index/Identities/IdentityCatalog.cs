using Cairn.Core.Keys;
using Cairn.Index.Commands;
using Cairn.Index.Shards;

namespace Cairn.Index.Identities;

/// <summary>The identity store: its rows read from the range owning the realm, its changes sent there as commands.</summary>
public sealed class IdentityCatalog(IndexRouter index, TimeProvider time)
{
    /// <summary>Every identity, past the read barrier of the range holding them (strong, as every index read).</summary>
    public async Task<IdentityTable> ReadAsync(CancellationToken cancellationToken = default)
    {
        var (from, to) = IdentityRows.All();
        using var snapshot = (await index.ReadRangeAtAsync(RangeKeys.BucketStart(IdentityRows.Realm), ReadScope.Rows(from, to), cancellationToken)
            .ConfigureAwait(false)).Snapshot;
        return new IdentityTable(snapshot.Scan(from, to));
    }

    /// <summary>Applies one identity change, stamped with this node's time of acceptance.</summary>
    public Task<TResult> ExecuteAsync<TResult>(IdentityCommand<TResult> command, CancellationToken cancellationToken = default) =>
        index.ExecuteAsync(command with { At = time.GetUtcNow() }, cancellationToken);
}
