using System.Text.Json.Nodes;
using System.Xml.Linq;
using Cairn.Auth;

namespace Cairn.Cli.Admin;

/// <summary>
/// Calls the server's IAM query API as the AWS SDKs do (a form POST to /, SigV4-signed for the service iam) with the
/// root credentials, and turns the answer's Result element into JSON: nested elements as objects, <c>member</c> lists as arrays.
/// </summary>
public sealed class IamClient(Uri endpoint, Credentials credentials, string region = "us-east-1") : IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromMinutes(1) };

    public async Task<JsonObject> CallAsync(string action, CancellationToken cancellationToken, params (string Name, string? Value)[] parameters)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", "2010-05-08") };
        fields.AddRange(parameters.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Name, p.Value!)));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "/")) { Content = new FormUrlEncodedContent(fields) };
        SigV4Signer.Sign(request, credentials.AccessKey, credentials.SecretKey, region, DateTimeOffset.UtcNow, service: "iam");
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        XElement root;
        try
        {
            root = XElement.Parse(body);
        }
        catch (System.Xml.XmlException)
        {
            throw new AdminCallFailed($"{(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        }
        if (root.Name.LocalName == "ErrorResponse")
        {
            var error = root.Elements().First(e => e.Name.LocalName == "Error");
            throw new AdminCallFailed($"{Child(error, "Code")}: {Child(error, "Message")}");
        }
        var result = root.Elements().FirstOrDefault(e => e.Name.LocalName == action + "Result");
        return result is null ? [] : (JsonObject)ToJson(result)!;
    }

    private static string? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static JsonNode? ToJson(XElement element)
    {
        if (!element.HasElements) return JsonValue.Create(element.Value);
        var children = element.Elements().ToList();
        if (children.All(c => c.Name.LocalName == "member")) return new JsonArray([.. children.Select(ToJson)]);
        var obj = new JsonObject();
        foreach (var child in children) obj[child.Name.LocalName] = ToJson(child);
        return obj;
    }

    public void Dispose() => http.Dispose();
}
