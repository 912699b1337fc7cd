using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// Mutates a JSON document as a tree (a value replaced by an edge value, a member dropped, an array item repeated, a
/// string turned into a number, an array or an object), so the result stays JSON and reaches the code that reads it.
/// </summary>
public static class JsonStructureMutator
{
    private static readonly Func<JsonNode?>[] Values =
    [
        () => null, () => JsonValue.Create(""), () => JsonValue.Create("*"), () => JsonValue.Create(0), () => JsonValue.Create(-1),
        () => JsonValue.Create(1e308), () => JsonValue.Create(long.MaxValue), () => JsonValue.Create(true), () => new JsonArray(),
        () => new JsonObject(), () => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1)), () => JsonValue.Create("\u0000"),
        () => JsonValue.Create("${aws:username}"), () => JsonValue.Create("arn:aws:s3:::bucket/*"), () => JsonValue.Create("s3:*"),
        () => JsonValue.Create("10.0.0.0/33"), () => JsonValue.Create("::/0"), () => JsonValue.Create("2030-01-01T00:00:00Z"),
        () => JsonValue.Create("9223372036854775808"), () => JsonValue.Create("1e400"), () => JsonValue.Create("$key"),
        () => JsonValue.Create(new string('x', 300)), () => JsonValue.Create("?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*"),
    ];

    public static byte[]? Mutate(byte[] seed, Random random, IReadOnlyList<string> names)
    {
        // JsonNode reads the UTF-8 of a string only when it is used: leave broken seeds to the byte mutator.
        if (!System.Text.Unicode.Utf8.IsValid(seed)) return null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(seed);
        }
        catch (JsonException)
        {
            return null;
        }
        if (root is null) return null;
        int steps = 1 + random.Next(3);
        for (int i = 0; i < steps; i++)
        {
            var nodes = Walk(root).ToList();
            var node = nodes[random.Next(nodes.Count)];
            var parent = node.Parent;
            switch (random.Next(5))
            {
                case 0 or 1 when parent is not null: // replace a value
                    Replace(node, Values[random.Next(Values.Length)]());
                    break;
                case 2 when parent is JsonObject members: // drop a member
                    members.Remove(node.GetPropertyName());
                    break;
                case 2 when parent is JsonArray items: // repeat an item
                    for (int n = random.Next(1, random.Next(4) == 0 ? 60 : 3); n > 0; n--) items.Add(node.DeepClone());
                    break;
                case 3 when node is JsonObject target: // add a member, known or not
                    target[names[random.Next(names.Count)]] = Values[random.Next(Values.Length)]();
                    break;
                case 4 when parent is not null: // wrap in an array
                    Replace(node, new JsonArray(node.DeepClone()));
                    break;
            }
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static void Replace(JsonNode node, JsonNode? value)
    {
        switch (node.Parent)
        {
            case JsonObject members:
                members[node.GetPropertyName()] = value;
                break;
            case JsonArray items:
                items[node.GetElementIndex()] = value;
                break;
        }
    }

    private static IEnumerable<JsonNode> Walk(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().ToList())
            foreach (var d in Walk(child)) yield return d;
    }
}
