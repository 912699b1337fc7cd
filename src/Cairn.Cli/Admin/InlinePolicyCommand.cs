using System.CommandLine;
using System.Text.Json.Nodes;

namespace Cairn.Cli.Admin;

/// <summary>What holds inline policies in IAM: a user or a group, and how IAM's actions and parameters name it.</summary>
/// <param name="Noun">As the CLI says it (user, group).</param>
/// <param name="Action">As IAM's actions say it (PutUserPolicy, PutGroupPolicy).</param>
internal sealed record IamHolder(string Noun, string Action)
{
    public static readonly IamHolder User = new("user", "User");
    public static readonly IamHolder Group = new("group", "Group");

    /// <summary>The parameter naming it (UserName, GroupName).</summary>
    public string Parameter => Action + "Name";

    public Argument<string> Name() => new("NAME") { Description = $"The {Noun}'s name" };
}

/// <summary>`cairn admin user|group policy …`: a user's or a group's inline policies, in IAM's JSON grammar.</summary>
internal static class InlinePolicyCommand
{
    public static Command Create(Option<string> endpoint, Option<bool> json, IamHolder holder)
    {
        var policy = new Command("policy", $"A {holder.Noun}'s inline policies (IAM's JSON grammar)");
        var putName = holder.Name();
        var putPolicy = PolicyName();
        var file = new Argument<string>("FILE") { Description = "The policy document, or - for standard input" };
        var put = new Command("put", "Add or replace an inline policy") { putName, putPolicy, file };
        put.SetAction(async (p, ct) =>
        {
            var path = p.GetValue(file)!;
            var document = path == "-" ? await Console.In.ReadToEndAsync(ct) : await File.ReadAllTextAsync(path, ct);
            return await IamCommandRunner.RunAsync(p, endpoint, json, ct,
                c => c.CallAsync($"Put{holder.Action}Policy", ct, (holder.Parameter, p.GetValue(putName)), ("PolicyName", p.GetValue(putPolicy)), ("PolicyDocument", document)));
        });
        policy.Add(put);
        var getName = holder.Name();
        var getPolicy = PolicyName();
        var get = new Command("get", "Print an inline policy's document") { getName, getPolicy };
        get.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, async c =>
        {
            var answer = await c.CallAsync($"Get{holder.Action}Policy", ct, (holder.Parameter, p.GetValue(getName)), ("PolicyName", p.GetValue(getPolicy)));
            // IAM answers the document URL-encoded; the CLI shows it as the JSON it is.
            if (answer["PolicyDocument"]?.GetValue<string>() is { } encoded) answer["PolicyDocument"] = JsonNode.Parse(Uri.UnescapeDataString(encoded));
            return answer;
        }));
        policy.Add(get);
        var listName = holder.Name();
        var list = new Command("list", $"List a {holder.Noun}'s inline policies") { listName };
        list.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct, c => c.CallAsync($"List{holder.Action}Policies", ct, (holder.Parameter, p.GetValue(listName)))));
        policy.Add(list);
        var deleteName = holder.Name();
        var deletePolicy = PolicyName();
        var delete = new Command("delete", "Delete an inline policy") { deleteName, deletePolicy };
        delete.SetAction((p, ct) => IamCommandRunner.RunAsync(p, endpoint, json, ct,
            c => c.CallAsync($"Delete{holder.Action}Policy", ct, (holder.Parameter, p.GetValue(deleteName)), ("PolicyName", p.GetValue(deletePolicy)))));
        policy.Add(delete);
        return policy;
    }

    private static Argument<string> PolicyName() => new("POLICY") { Description = "The policy's name" };
}
