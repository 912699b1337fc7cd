using System.Security.Cryptography;
using Cairn.Auth;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>IAM's names and ids: ARNs with their paths, and new unique ids, access key ids and secrets shaped as AWS makes them.</summary>
public static class IamNames
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static string UserArn(UserRecord user) => Arn("user", user.Path, user.UserName);

    public static string RoleArn(RoleRecord role) => Arn("role", role.Path, role.RoleName);

    public static string GroupArn(GroupRecord group) => Arn("group", group.Path, group.GroupName);

    /// <summary>The ARN of an IAM entity of this account: <paramref name="type"/> user, role or group, then its path and name.</summary>
    public static string Arn(string type, string path, string name) => $"arn:aws:iam::{Principal.AccountId}:{type}{path}{name}";

    /// <summary>A user's unique id: AIDA and 17 upper-case base32 characters.</summary>
    public static string NewUserId() => "AIDA" + Random(Base32, 17);

    /// <summary>A role's unique id: AROA and 17 upper-case base32 characters.</summary>
    public static string NewRoleId() => "AROA" + Random(Base32, 17);

    /// <summary>A group's unique id: AGPA and 17 upper-case base32 characters.</summary>
    public static string NewGroupId() => "AGPA" + Random(Base32, 17);

    /// <summary>A long-term access key id: AKIA and 16 upper-case base32 characters.</summary>
    public static string NewAccessKeyId() => "AKIA" + Random(Base32, 16);

    /// <summary>A temporary (STS) access key id: ASIA and 16 upper-case base32 characters.</summary>
    public static string NewTemporaryAccessKeyId() => "ASIA" + Random(Base32, 16);

    /// <summary>A secret access key: 40 characters of base64's alphabet.</summary>
    public static string NewSecret() => Random(SecretAlphabet, 40);

    private static string Random(string alphabet, int length) => RandomNumberGenerator.GetString(alphabet, length);
}
