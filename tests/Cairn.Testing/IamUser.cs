using System.Net;
using System.Xml.Linq;
using Cairn.Auth;

namespace Cairn.Testing;

/// <summary>
/// An IAM user made through the IAM query API as the root (as `aws iam` would), with one access key and, optionally,
/// one inline policy: for tests of what a user may do.
/// </summary>
public sealed record IamUser(string UserName, string UserId, string AccessKeyId, string SecretAccessKey)
{
    private static readonly XNamespace Iam = "https://iam.amazonaws.com/doc/2010-05-08/";

    public static async Task<IamUser> CreateAsync(ServerProcess server, string hint, string? policy = null)
    {
        var name = hint + "-" + Guid.NewGuid().ToString("N")[..8];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var user = await CallAsync(http, server, ("Action", "CreateUser"), ("UserName", name));
        var key = await CallAsync(http, server, ("Action", "CreateAccessKey"), ("UserName", name));
        if (policy is not null) await CallAsync(http, server, ("Action", "PutUserPolicy"), ("UserName", name), ("PolicyName", "test"), ("PolicyDocument", policy));
        return new IamUser(name, Value(user, "UserId"), Value(key, "AccessKeyId"), Value(key, "SecretAccessKey"));
    }

    private static async Task<XElement> CallAsync(HttpClient http, ServerProcess server, params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/")
        {
            Content = new FormUrlEncodedContent(form.Append(("Version", "2010-05-08")).Select(f => KeyValuePair.Create(f.Item1, f.Item2))),
        };
        SigV4Signer.Sign(request, ServerProcess.AccessKey, ServerProcess.SecretKey, ServerProcess.Region, DateTimeOffset.UtcNow, "iam");
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{form[0].Value}: {(int)response.StatusCode} {body}");
        return XElement.Parse(body);
    }

    private static string Value(XElement root, string name) => root.Descendants(Iam + name).Single().Value;
}
