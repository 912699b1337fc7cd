using Cairn.Index.Records;

namespace Cairn.Index.Identities;

/// <summary>
/// Where identities live in the index: the named setting rows (<see cref="IndexKeys.BucketSettingKey"/>) of a reserved
/// pseudo-bucket, <see cref="Realm"/>, which is not a valid bucket name, so no client can create, list or write it. Its
/// commands are bucket commands: the router sends them to the range owning the realm's start point, a split gives both
/// halves a copy and a merge keeps the one of the range that owned that point, exactly as for a real bucket's settings.
/// It has no bucket record, so nothing that walks buckets (listing, lifecycle, the meter) ever sees it.
/// <para>Rows, by setting name: <c>user/NAME</c>, <c>role/NAME</c> and <c>group/NAME</c> (names lower-cased: IAM names are
/// unique regardless of case), <c>key/USER/AKID</c>, <c>policy/user/USER/POLICY</c>, <c>policy/role/ROLE/POLICY</c> and
/// <c>policy/group/GROUP/POLICY</c> (the document), and each membership twice — <c>member/GROUP/USER</c> and
/// <c>memberof/USER/GROUP</c> — so both a group's members and a user's groups are one prefix scan.</para>
/// </summary>
public static class IdentityRows
{
    public const string Realm = ".iam";

    /// <summary>The associated data a secret key is sealed with: a sealed secret copied to another key id does not open.</summary>
    public static string SecretPurpose(string accessKeyId) => "iam-secret:" + accessKeyId;

    public static byte[] User(string userName) => Row("user/" + Fold(userName));

    public static byte[] Role(string roleName) => Row("role/" + Fold(roleName));

    public static byte[] Group(string groupName) => Row("group/" + Fold(groupName));

    public static byte[] Member(string groupName, string userName) => Row($"member/{Fold(groupName)}/{Fold(userName)}");

    public static (byte[] From, byte[] To) MembersOf(string groupName) => Under($"member/{Fold(groupName)}/");

    public static byte[] MemberOf(string userName, string groupName) => Row($"memberof/{Fold(userName)}/{Fold(groupName)}");

    public static (byte[] From, byte[] To) GroupsOf(string userName) => Under($"memberof/{Fold(userName)}/");

    public static byte[] AccessKey(string userName, string accessKeyId) => Row($"key/{Fold(userName)}/{accessKeyId}");

    public static (byte[] From, byte[] To) AccessKeysOf(string userName) => Under($"key/{Fold(userName)}/");

    public static byte[] Policy(PolicyHolder holder, string holderName, string policyName) => Row($"policy/{Holder(holder)}/{Fold(holderName)}/{policyName}");

    public static (byte[] From, byte[] To) PoliciesOf(PolicyHolder holder, string holderName) => Under($"policy/{Holder(holder)}/{Fold(holderName)}/");

    /// <summary>Every identity row.</summary>
    public static (byte[] From, byte[] To) All() => IndexKeys.SettingsOfBucket(Realm);

    /// <summary>The setting name of an identity row (what follows the realm and its NUL).</summary>
    public static string NameOf(byte[] row) => System.Text.Encoding.UTF8.GetString(row.AsSpan(IndexKeys.BucketSettingKey(Realm, "").Length));

    /// <summary>The holder as its policy rows name it.</summary>
    public static string Holder(PolicyHolder holder) => holder switch
    {
        PolicyHolder.User => "user",
        PolicyHolder.Role => "role",
        _ => "group",
    };

    private static string Fold(string name) => name.ToLowerInvariant();

    private static byte[] Row(string name) => IndexKeys.BucketSettingKey(Realm, name);

    private static (byte[] From, byte[] To) Under(string prefix)
    {
        var from = Row(prefix);
        var to = (byte[])from.Clone();
        to[^1]++;
        return (from, to);
    }
}
