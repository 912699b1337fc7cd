using System.Text.Json;
using Cairn.Index.Records;

namespace Cairn.Index.Identities;

/// <summary>The stored format of identity rows.</summary>
internal static class IdentityJson
{
    public static byte[] Encode(UserRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.UserRecord);
    public static byte[] Encode(AccessKeyRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.AccessKeyRecord);
    public static byte[] Encode(RoleRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.RoleRecord);
    public static byte[] Encode(GroupRecord r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.GroupRecord);
    public static byte[] Encode(GroupMember r) => JsonSerializer.SerializeToUtf8Bytes(r, IndexJsonContext.Default.GroupMember);
    public static UserRecord DecodeUser(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.UserRecord)!;
    public static AccessKeyRecord DecodeAccessKey(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.AccessKeyRecord)!;
    public static RoleRecord DecodeRole(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.RoleRecord)!;
    public static GroupRecord DecodeGroup(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.GroupRecord)!;
    public static GroupMember DecodeMember(byte[] b) => JsonSerializer.Deserialize(b, IndexJsonContext.Default.GroupMember)!;
}
