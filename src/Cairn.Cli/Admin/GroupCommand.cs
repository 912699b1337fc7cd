using System.CommandLine;

namespace Cairn.Cli.Admin;

/// <summary>
/// `cairn admin group …`: IAM groups, their members and inline policies, through the server's IAM API with the root
/// credentials. A member is allowed what its own policies or any of its groups' allow, unless a policy denies it.
/// </summary>
public static class GroupCommand
{
    public static Command Create(Option<string> endpoint, Option<bool> json)
    {
        var group = new Command("group", "IAM groups, their members and inline policies");
        var holder = IamHolder.Group;

        var name = holder.Name();
        var path = new Option<string?>("--path") { Description = "The group's IAM path, e.g. /team/ (default /)" };
        var create = new Command("create", "Create a group") { name, path };
        create.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("CreateGroup", ct, ("GroupName", p.GetValue(name)), ("Path", p.GetValue(path)))));
        group.Add(create);

        var list = new Command("list", "List the groups");
        list.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => IamCommandRunner.ListAllAsync(c, "ListGroups", "Groups", ct)));
        group.Add(list);

        var getName = holder.Name();
        var get = new Command("get", "Show a group and its members") { getName };
        get.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("GetGroup", ct, ("GroupName", p.GetValue(getName)))));
        group.Add(get);

        var deleteName = holder.Name();
        var delete = new Command("delete", "Delete a group (refused while it has members or policies)") { deleteName };
        delete.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("DeleteGroup", ct, ("GroupName", p.GetValue(deleteName)))));
        group.Add(delete);

        foreach (var (verb, action, what) in new[] { ("add-user", "AddUserToGroup", "Add a user to the group"), ("remove-user", "RemoveUserFromGroup", "Take a user out of the group") })
        {
            var groupName = holder.Name();
            var userName = new Argument<string>("USER") { Description = "The user's name" };
            var command = new Command(verb, what) { groupName, userName };
            command.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct,
                c => c.CallAsync(action, ct, ("GroupName", p.GetValue(groupName)), ("UserName", p.GetValue(userName)))));
            group.Add(command);
        }

        group.Add(InlinePolicyCommand.Create(endpoint, json, holder));
        return group;
    }
}
