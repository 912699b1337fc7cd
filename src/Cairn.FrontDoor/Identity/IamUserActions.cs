using System.Text;
using Cairn.Auth;
using Cairn.Core.Secrets;
using Cairn.Index.Commands;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>IAM's user and access-key actions.</summary>
public sealed class IamUserActions(IdentityCatalog catalog, IdentityView view, MasterKeyRing masterKeys)
{
    public async Task<IamResult?> CreateUserAsync(IamCall call)
    {
        var user = await catalog.ExecuteAsync(new CreateUser(call.Form.Name("UserName"), call.Form.Path(), IamNames.NewUserId()) { At = default })
            .ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return xml => xml.Nested("User", u => WriteUser(u, user));
    }

    /// <summary>GetUser: the named user, or the caller (the root answers as the account, without a name).</summary>
    public async Task<IamResult?> GetUserAsync(IamCall call)
    {
        var name = call.Form.OptionalName("UserName");
        if (name is null && call.Caller.Kind == PrincipalKind.Root)
            return xml => xml.Nested("User", u => u.Element("UserId", Principal.AccountId).Element("Arn", call.Caller.Arn));
        var user = await RequireUserAsync(name ?? call.UserNameOrCaller()).ConfigureAwait(false);
        return xml => xml.Nested("User", u => WriteUser(u, user));
    }

    public async Task<IamResult?> ListUsersAsync(IamCall call)
    {
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var page = IamPage<UserRecord>.UnderPath(table.Users, u => u.Path, u => u.UserName, call.Form);
        return xml => page.Write(xml, "Users", WriteUser);
    }

    public async Task<IamResult?> DeleteUserAsync(IamCall call)
    {
        await catalog.ExecuteAsync(new DeleteUser(call.Form.Name("UserName")) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// CreateAccessKey: the secret is made here, sealed under the master key ring (bound to the key id) before the command
    /// is built, and answered this once; it is never stored or logged in plain text.
    /// </summary>
    public async Task<IamResult?> CreateAccessKeyAsync(IamCall call)
    {
        var userName = call.UserNameOrCaller();
        var accessKeyId = IamNames.NewAccessKeyId();
        var secret = IamNames.NewSecret();
        var sealedSecret = masterKeys.Seal(Encoding.UTF8.GetBytes(secret), IdentityRows.SecretPurpose(accessKeyId));
        var key = await catalog.ExecuteAsync(new CreateAccessKey(userName, accessKeyId, sealedSecret) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return xml => xml.Nested("AccessKey", k => k
            .Element("UserName", key.UserName)
            .Element("AccessKeyId", key.AccessKeyId)
            .Element("Status", key.Status.ToString())
            .Element("SecretAccessKey", secret)
            .Element("CreateDate", key.Created));
    }

    public async Task<IamResult?> ListAccessKeysAsync(IamCall call)
    {
        var user = await RequireUserAsync(call.UserNameOrCaller()).ConfigureAwait(false);
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var page = IamPage<AccessKeyRecord>.Of(table.AccessKeysOf(user.UserName), k => k.AccessKeyId, call.Form);
        return xml =>
        {
            xml.Element("UserName", user.UserName);
            page.Write(xml, "AccessKeyMetadata", (m, k) => m
                .Element("UserName", k.UserName).Element("AccessKeyId", k.AccessKeyId).Element("Status", k.Status.ToString()).Element("CreateDate", k.Created));
        };
    }

    public async Task<IamResult?> UpdateAccessKeyAsync(IamCall call)
    {
        var status = call.Form.Required("Status") switch
        {
            "Active" => AccessKeyStatus.Active,
            "Inactive" => AccessKeyStatus.Inactive,
            var other => throw IamErrors.ValidationError(
                $"1 validation error detected: Value '{other}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"),
        };
        await catalog.ExecuteAsync(new UpdateAccessKey(call.UserNameOrCaller(), AccessKeyId(call), status) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    public async Task<IamResult?> DeleteAccessKeyAsync(IamCall call)
    {
        await catalog.ExecuteAsync(new DeleteAccessKey(call.UserNameOrCaller(), AccessKeyId(call)) { At = default }).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// GetAccessKeyLastUsed: the key's user. Cairn does not track when a key was last used, so it answers as IAM does for a
    /// key never used: ServiceName and Region N/A, no LastUsedDate.
    /// </summary>
    public async Task<IamResult?> GetAccessKeyLastUsedAsync(IamCall call)
    {
        var id = AccessKeyId(call);
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var key = table.AccessKey(id) ?? throw IamErrors.NoSuchAccessKey(id);
        return xml => xml.Element("UserName", key.UserName).Nested("AccessKeyLastUsed", u => u.Element("ServiceName", "N/A").Element("Region", "N/A"));
    }

    private async Task<UserRecord> RequireUserAsync(string name) =>
        (await catalog.ReadAsync().ConfigureAwait(false)).User(name) ?? throw IamErrors.NoSuchEntity("user", name);

    private static string AccessKeyId(IamCall call)
    {
        var id = call.Form.Required("AccessKeyId");
        if (id.Length is < 16 or > 128 || !id.All(char.IsAsciiLetterOrDigit))
            throw IamErrors.ValidationError($"1 validation error detected: Value '{id}' at 'accessKeyId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+");
        return id;
    }

    internal static void WriteUser(IamXml xml, UserRecord user) => xml
        .Element("Path", user.Path)
        .Element("UserName", user.UserName)
        .Element("UserId", user.UserId)
        .Element("Arn", IamNames.UserArn(user))
        .Element("CreateDate", user.Created);
}
