using System.Text;
using Cairn.Auth;
using Cairn.Core.Secrets;
using Cairn.FrontDoor.Buckets;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// This node's in-memory copy of the identity rows, so a request's credential lookup is a dictionary read and never
/// waits for the index. Refreshed right after each change made through this node, and every
/// <see cref="IdentityRefresh.Interval"/> for changes made through another (IAM is eventually consistent too). Secrets are
/// opened here, once per key (a refresh opens only new ones), and live only in memory.
/// </summary>
public sealed class IdentityView(IdentityCatalog catalog, MasterKeyRing masterKeys, Owner owner)
{
    private volatile Snapshot current = new(IdentityTable.Empty, new Dictionary<string, Credential>(StringComparer.Ordinal), new Dictionary<string, Opened>(StringComparer.Ordinal));

    /// <summary>The identities as last read.</summary>
    public IdentityTable Table => current.Table;

    /// <summary>The credential of an active access key of an existing user.</summary>
    public bool TryFind(string accessKeyId, out Credential credential) => current.Credentials.TryGetValue(accessKeyId, out credential!);

    /// <summary>Reads the identities again; only secrets new or sealed anew since the last read are opened.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var table = await catalog.ReadAsync(cancellationToken).ConfigureAwait(false);
        var previous = current.Secrets;
        var credentials = new Dictionary<string, Credential>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, Opened>(StringComparer.Ordinal);
        foreach (var key in table.AccessKeys)
        {
            if (key.Status != AccessKeyStatus.Active || table.User(key.UserName) is not { } user) continue;
            var opened = previous.TryGetValue(key.AccessKeyId, out var known) && known.Sealed.AsSpan().SequenceEqual(key.SealedSecret)
                ? known
                : new Opened(key.SealedSecret, Encoding.UTF8.GetString(masterKeys.Open(key.SealedSecret, IdentityRows.SecretPurpose(key.AccessKeyId))));
            secrets[key.AccessKeyId] = opened;
            credentials[key.AccessKeyId] = new Credential(opened.Secret, PrincipalOf(user) with { AccessKey = key.AccessKeyId });
        }
        current = new Snapshot(table, credentials, secrets);
    }

    /// <summary>A user as IAM names it: every user of the account shares the account's canonical id, as in S3.</summary>
    public Principal PrincipalOf(UserRecord user) =>
        new(PrincipalKind.User, IamNames.UserArn(user), owner.Id) { Name = user.UserName, UserId = user.UserId };

    /// <summary>A secret as opened, with the sealed bytes it was opened from (a key sealed anew is opened anew).</summary>
    private sealed record Opened(byte[] Sealed, string Secret);

    private sealed record Snapshot(IdentityTable Table, IReadOnlyDictionary<string, Credential> Credentials, IReadOnlyDictionary<string, Opened> Secrets);
}
