using Cairn.Index.Commands;
using Cairn.Index.Identities;

namespace Cairn.FrontDoor.Identity;

/// <summary>IAM's group actions: a group is a set of users whose inline policies (Put/Get/List/DeleteGroupPolicy) apply to each member.</summary>
public sealed class IamGroupActions(IdentityCatalog catalog, IdentityView view)
{
    public async Task<IamResult?> CreateGroupAsync(IamCall call)
    {
        var group = await catalog.ExecuteAsync(new CreateGroup(call.Form.Name("GroupName", maxLength: 128), call.Form.Path(), IamNames.NewGroupId()) { At = default })
            .ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return xml => xml.Nested("Group", g => WriteGroup(g, group));
    }

    /// <summary>GetGroup: the group and a page of its members.</summary>
    public async Task<IamResult?> GetGroupAsync(IamCall call)
    {
        var name = call.Form.Name("GroupName", maxLength: 128);
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var group = table.Group(name) ?? throw IamErrors.NoSuchEntity("group", name);
        var page = IamPage<UserRecord>.Of(table.MembersOf(group.GroupName), u => u.UserName, call.Form);
        return xml => page.Write(xml.Nested("Group", g => WriteGroup(g, group)), "Users", IamUserActions.WriteUser);
    }

    public async Task<IamResult?> ListGroupsAsync(IamCall call)
    {
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        var page = IamPage<GroupRecord>.UnderPath(table.Groups, g => g.Path, g => g.GroupName, call.Form);
        return xml => page.Write(xml, "Groups", WriteGroup);
    }

    public async Task<IamResult?> ListGroupsForUserAsync(IamCall call)
    {
        var name = call.Form.Name("UserName");
        var table = await catalog.ReadAsync().ConfigureAwait(false);
        if (table.User(name) is null) throw IamErrors.NoSuchEntity("user", name);
        var page = IamPage<GroupRecord>.Of(table.GroupsOf(name), g => g.GroupName, call.Form);
        return xml => page.Write(xml, "Groups", WriteGroup);
    }

    public Task<IamResult?> DeleteGroupAsync(IamCall call) => ChangeAsync(new DeleteGroup(call.Form.Name("GroupName", maxLength: 128)) { At = default });

    public Task<IamResult?> AddUserToGroupAsync(IamCall call) =>
        ChangeAsync(new AddUserToGroup(call.Form.Name("GroupName", maxLength: 128), call.Form.Name("UserName")) { At = default });

    public Task<IamResult?> RemoveUserFromGroupAsync(IamCall call) =>
        ChangeAsync(new RemoveUserFromGroup(call.Form.Name("GroupName", maxLength: 128), call.Form.Name("UserName")) { At = default });

    /// <summary>A change without a Result element, in effect on this node once it answers.</summary>
    private async Task<IamResult?> ChangeAsync(IdentityCommand<Done> command)
    {
        await catalog.ExecuteAsync(command).ConfigureAwait(false);
        await view.RefreshAsync().ConfigureAwait(false);
        return null;
    }

    private static void WriteGroup(IamXml xml, GroupRecord group) => xml
        .Element("Path", group.Path)
        .Element("GroupName", group.GroupName)
        .Element("GroupId", group.GroupId)
        .Element("Arn", IamNames.GroupArn(group))
        .Element("CreateDate", group.Created);
}
