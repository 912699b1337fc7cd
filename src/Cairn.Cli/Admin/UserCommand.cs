using System.CommandLine;
using System.Text.Json.Nodes;

namespace Cairn.Cli.Admin;

/// <summary>
/// `cairn admin user …`: IAM users, their access keys and inline policies, through the server's IAM API with the root
/// credentials. A new secret key is printed once, by `key create`; the server cannot show it again.
/// </summary>
public static class UserCommand
{
    public static Command Create(Option<string> endpoint, Option<bool> json)
    {
        var user = new Command("user", "IAM users, their access keys and inline policies");
        var path = new Option<string?>("--path") { Description = "The user's IAM path, e.g. /team/ (default /)" };

        var name = Name();
        var create = new Command("create", "Create a user") { name, path };
        create.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("CreateUser", ct, ("UserName", p.GetValue(name)), ("Path", p.GetValue(path)))));
        user.Add(create);

        var list = new Command("list", "List the users");
        list.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => IamCommandRunner.ListAllAsync(c, "ListUsers", "Users", ct)));
        user.Add(list);

        var getName = Name();
        var get = new Command("get", "Show a user") { getName };
        get.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("GetUser", ct, ("UserName", p.GetValue(getName)))));
        user.Add(get);

        var deleteName = Name();
        var delete = new Command("delete", "Delete a user (refused while it has access keys or policies)") { deleteName };
        delete.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("DeleteUser", ct, ("UserName", p.GetValue(deleteName)))));
        user.Add(delete);

        foreach (var (verb, status) in new[] { ("enable", "Active"), ("disable", "Inactive") })
        {
            var statusName = Name();
            var command = new Command(verb, $"Set every access key of the user {status} (IAM has no user switch: a user without an active key cannot sign)") { statusName };
            command.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => SetAllKeysAsync(c, p.GetValue(statusName)!, status, ct)));
            user.Add(command);
        }

        user.Add(KeyCommand(endpoint, json));
        user.Add(InlinePolicyCommand.Create(endpoint, json, IamHolder.User));
        return user;
    }

    private static Command KeyCommand(Option<string> endpoint, Option<bool> json)
    {
        var key = new Command("key", "A user's access keys (at most two)");
        var createName = Name();
        var create = new Command("create", "Create an access key; its secret is printed this once") { createName };
        create.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("CreateAccessKey", ct, ("UserName", p.GetValue(createName)))));
        key.Add(create);
        var listName = Name();
        var list = new Command("list", "List a user's access keys") { listName };
        list.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync("ListAccessKeys", ct, ("UserName", p.GetValue(listName)))));
        key.Add(list);
        foreach (var (verb, action, status) in new[] { ("enable", "UpdateAccessKey", "Active"), ("disable", "UpdateAccessKey", "Inactive"), ("delete", "DeleteAccessKey", null) })
        {
            var userName = Name();
            var keyId = new Argument<string>("ACCESS_KEY_ID");
            var command = new Command(verb, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} one access key of the user") { userName, keyId };
            command.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct,
                c => c.CallAsync(action, ct, ("UserName", p.GetValue(userName)), ("AccessKeyId", p.GetValue(keyId)), ("Status", status))));
            key.Add(command);
        }
        return key;
    }

    private static Argument<string> Name() => new("NAME") { Description = "The user's name" };

    private static async Task<JsonObject> SetAllKeysAsync(IamClient client, string userName, string status, CancellationToken ct)
    {
        var keys = await client.CallAsync("ListAccessKeys", ct, ("UserName", userName));
        var changed = new JsonArray();
        foreach (var key in keys["AccessKeyMetadata"]?.AsArray() ?? [])
        {
            var id = key!["AccessKeyId"]!.GetValue<string>();
            await client.CallAsync("UpdateAccessKey", ct, ("UserName", userName), ("AccessKeyId", id), ("Status", status));
            changed.Add(id);
        }
        return new JsonObject { ["UserName"] = userName, ["Status"] = status, ["AccessKeyIds"] = changed };
    }
}
