using System.CommandLine;
using System.Text.Json;
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
        create.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => c.CallAsync("CreateUser", ct, ("UserName", p.GetValue(name)), ("Path", p.GetValue(path)))));
        user.Add(create);

        var list = new Command("list", "List the users");
        list.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => ListUsersAsync(c, ct)));
        user.Add(list);

        var getName = Name();
        var get = new Command("get", "Show a user") { getName };
        get.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => c.CallAsync("GetUser", ct, ("UserName", p.GetValue(getName)))));
        user.Add(get);

        var deleteName = Name();
        var delete = new Command("delete", "Delete a user (refused while it has access keys or policies)") { deleteName };
        delete.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => c.CallAsync("DeleteUser", ct, ("UserName", p.GetValue(deleteName)))));
        user.Add(delete);

        foreach (var (verb, status) in new[] { ("enable", "Active"), ("disable", "Inactive") })
        {
            var statusName = Name();
            var command = new Command(verb, $"Set every access key of the user {status} (IAM has no user switch: a user without an active key cannot sign)") { statusName };
            command.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => SetAllKeysAsync(c, p.GetValue(statusName)!, status, ct)));
            user.Add(command);
        }

        user.Add(KeyCommand(endpoint, json));
        user.Add(PolicyCommand(endpoint, json));
        return user;
    }

    private static Command KeyCommand(Option<string> endpoint, Option<bool> json)
    {
        var key = new Command("key", "A user's access keys (at most two)");
        var createName = Name();
        var create = new Command("create", "Create an access key; its secret is printed this once") { createName };
        create.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => c.CallAsync("CreateAccessKey", ct, ("UserName", p.GetValue(createName)))));
        key.Add(create);
        var listName = Name();
        var list = new Command("list", "List a user's access keys") { listName };
        list.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => c.CallAsync("ListAccessKeys", ct, ("UserName", p.GetValue(listName)))));
        key.Add(list);
        foreach (var (verb, action, status) in new[] { ("enable", "UpdateAccessKey", "Active"), ("disable", "UpdateAccessKey", "Inactive"), ("delete", "DeleteAccessKey", null) })
        {
            var userName = Name();
            var keyId = new Argument<string>("ACCESS_KEY_ID");
            var command = new Command(verb, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} one access key of the user") { userName, keyId };
            command.SetAction((p, ct) => RunAsync(p, endpoint, json, ct,
                c => c.CallAsync(action, ct, ("UserName", p.GetValue(userName)), ("AccessKeyId", p.GetValue(keyId)), ("Status", status))));
            key.Add(command);
        }
        return key;
    }

    private static Command PolicyCommand(Option<string> endpoint, Option<bool> json)
    {
        var policy = new Command("policy", "A user's inline policies (IAM's JSON grammar)");
        var putName = Name();
        var putPolicy = PolicyName();
        var file = new Argument<string>("FILE") { Description = "The policy document, or - for standard input" };
        var put = new Command("put", "Add or replace an inline policy") { putName, putPolicy, file };
        put.SetAction(async (p, ct) =>
        {
            var path = p.GetValue(file)!;
            var document = path == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(path, ct);
            return await RunAsync(p, endpoint, json, ct,
                c => c.CallAsync("PutUserPolicy", ct, ("UserName", p.GetValue(putName)), ("PolicyName", p.GetValue(putPolicy)), ("PolicyDocument", document)));
        });
        policy.Add(put);
        var getName = Name();
        var getPolicy = PolicyName();
        var get = new Command("get", "Print an inline policy's document") { getName, getPolicy };
        get.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, async c =>
        {
            var answer = await c.CallAsync("GetUserPolicy", ct, ("UserName", p.GetValue(getName)), ("PolicyName", p.GetValue(getPolicy)));
            // IAM answers the document URL-encoded; the CLI shows it as the JSON it is.
            if (answer["PolicyDocument"]?.GetValue<string>() is { } encoded) answer["PolicyDocument"] = JsonNode.Parse(Uri.UnescapeDataString(encoded));
            return answer;
        }));
        policy.Add(get);
        var listName = Name();
        var list = new Command("list", "List a user's inline policies") { listName };
        list.SetAction((p, ct) => RunAsync(p, endpoint, json, ct, c => c.CallAsync("ListUserPolicies", ct, ("UserName", p.GetValue(listName)))));
        policy.Add(list);
        var deleteName = Name();
        var deletePolicy = PolicyName();
        var delete = new Command("delete", "Delete an inline policy") { deleteName, deletePolicy };
        delete.SetAction((p, ct) => RunAsync(p, endpoint, json, ct,
            c => c.CallAsync("DeleteUserPolicy", ct, ("UserName", p.GetValue(deleteName)), ("PolicyName", p.GetValue(deletePolicy)))));
        policy.Add(delete);
        return policy;
    }

    private static Argument<string> Name() => new("NAME") { Description = "The user's name" };

    private static Argument<string> PolicyName() => new("POLICY") { Description = "The policy's name" };

    /// <summary>Every page of ListUsers, as one list.</summary>
    private static async Task<JsonObject> ListUsersAsync(IamClient client, CancellationToken ct)
    {
        var users = new JsonArray();
        string? marker = null;
        do
        {
            var page = await client.CallAsync("ListUsers", ct, ("Marker", marker));
            foreach (var u in page["Users"]?.AsArray() ?? []) users.Add(u?.DeepClone());
            marker = page["IsTruncated"]?.GetValue<string>() == "true" ? page["Marker"]?.GetValue<string>() : null;
        }
        while (marker is not null);
        return new JsonObject { ["Users"] = users };
    }

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

    private static async Task<int> RunAsync(ParseResult parse, Option<string> endpoint, Option<bool> json, CancellationToken ct, Func<IamClient, Task<JsonObject>> call)
    {
        if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var url))
        {
            Console.Error.WriteLine("cairn admin: --endpoint must be an absolute URL such as http://127.0.0.1:9000");
            return 2;
        }
        using var client = new IamClient(url, Credentials.FromEnvironment());
        try
        {
            var answer = await call(client);
            if (parse.GetValue(json)) Console.WriteLine(answer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else Print(answer, "");
            return 0;
        }
        catch (Exception e) when (e is AdminCallFailed or HttpRequestException)
        {
            Console.Error.WriteLine($"cairn admin: {e.Message}");
            return 1;
        }
    }

    /// <summary>The answer as indented "Name: value" lines.</summary>
    private static void Print(JsonNode? node, string indent)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (value is JsonValue v) Console.WriteLine($"{indent}{name}: {v}");
                    else
                    {
                        Console.WriteLine($"{indent}{name}:");
                        Print(value, indent + "  ");
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is JsonValue v) Console.WriteLine($"{indent}- {v}");
                    else
                    {
                        Console.WriteLine($"{indent}-");
                        Print(item, indent + "  ");
                    }
                }
                break;
        }
    }
}
