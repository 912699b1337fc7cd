using System.Text;
using Cairn.Core.Secrets;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Identity;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Index.Identities;
using Cairn.Index.Shards;

namespace Cairn.FrontDoor.Tests;

/// <summary>The node's in-memory identities over a real shard: a refresh opens only secrets that are new or sealed anew.</summary>
public sealed class IdentityViewTests : IAsyncLifetime
{
    private const string KeyId = "AKIAAAAAAAAAAAAAAAV1";
    private readonly string path = Path.Combine(Path.GetTempPath(), "cairn-view-" + Guid.NewGuid().ToString("N"));
    private readonly MasterKeyRing ring = MasterKeyRing.Parse(MasterKeyRing.NewKeyFileText());
    private RocksDbIndexShard shard = null!;
    private IdentityCatalog catalog = null!;
    private IdentityView view = null!;

    public Task InitializeAsync()
    {
        shard = new RocksDbIndexShard(path, new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System)));
        catalog = new IdentityCatalog(IndexRouter.Single(shard), TimeProvider.System);
        view = new IdentityView(catalog, ring, new Owner("0123abcd", "owner"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await shard.DisposeAsync();
        Directory.Delete(path, recursive: true);
    }

    [Fact]
    public async Task A_refresh_keeps_the_opened_secret_of_an_unchanged_key_and_opens_a_key_sealed_anew()
    {
        await catalog.ExecuteAsync(new CreateUser("vera", "/", "AIDAVERAXXXXXXXXXXXXX") { At = default });
        await catalog.ExecuteAsync(NewKey("first-secret"));
        await view.RefreshAsync();
        Assert.True(view.TryFind(KeyId, out var first));
        Assert.Equal("first-secret", first.Secret);

        await view.RefreshAsync();
        Assert.True(view.TryFind(KeyId, out var again));
        // The very string opened the first time: the secret was not opened again.
        Assert.Same(first.Secret, again.Secret);

        await catalog.ExecuteAsync(new DeleteAccessKey("vera", KeyId) { At = default });
        await catalog.ExecuteAsync(NewKey("second-secret"));
        await view.RefreshAsync();
        Assert.True(view.TryFind(KeyId, out var resealed));
        Assert.Equal("second-secret", resealed.Secret);
    }

    private CreateAccessKey NewKey(string secret) =>
        new("vera", KeyId, ring.Seal(Encoding.UTF8.GetBytes(secret), IdentityRows.SecretPurpose(KeyId))) { At = default };
}
