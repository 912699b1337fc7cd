using System.Security.Cryptography;
using System.Text;

namespace Cairn.FrontDoor.Identity;

/// <summary>
/// The canonical user ids an ACL grant may name: the account's (the owner of every bucket and object) and one of each
/// IAM user, 64 hex digits as S3's are, derived from the user's unique id so that it never changes while the user exists
/// and a user created again under the same name (a new id) does not inherit the old one's grants.
/// </summary>
public sealed class CanonicalIds(IdentityView identities)
{
    /// <summary>An IAM user's canonical id, from its unique id (AIDA…).</summary>
    public static string OfUser(string userId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("cairn-canonical-user:" + userId)));

    /// <summary>Whether <paramref name="id"/> is an existing IAM user's (the account's is the owner's, known to every caller).</summary>
    public bool IsUser(string id) => identities.Table.Users.Any(user => OfUser(user.UserId) == id);
}
