using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cairn.Cli.Admin;

/// <summary>How the IAM commands (`admin user`, `admin group`) make a call with the root credentials and print its answer.</summary>
internal static class IamCommandRunner
{
    /// <summary>Every page of a listing (ListUsers, ListGroups) followed by its Marker, as one list named as IAM names it.</summary>
    public static async Task<JsonObject> ListAllAsync(IamClient client, string action, string members, CancellationToken ct)
    {
        var all = new JsonArray();
        string? marker = null;
        do
        {
            var page = await client.CallAsync(action, ct, ("Marker", marker));
            // An empty list comes as an empty element, which reads as "".
            foreach (var member in page[members] as JsonArray ?? []) all.Add(member?.DeepClone());
            marker = page["IsTruncated"]?.GetValue<string>() == "true" ? page["Marker"]?.GetValue<string>() : null;
        }
        while (marker is not null);
        return new JsonObject { [members] = all };
    }

    public static async Task<int> RunAsync(ParseResult parse, Option<string> endpoint, Option<bool> json, CancellationToken ct, Func<IamClient, Task<JsonObject>> call)
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
