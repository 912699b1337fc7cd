using System.Xml.Linq;
using Cairn.WebConsole.S3;

namespace Cairn.WebConsole.Sessions;

/// <summary>
/// Checks a key pair by a real signed call to this node, STS GetCallerIdentity: it succeeds for every valid key
/// whatever its policies allow, and names the caller.
/// </summary>
public sealed class CredentialCheck(SignedRequests requests)
{
    public async Task<SignInOutcome> VerifyAsync(ConsoleCredentials credentials, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent([new("Action", "GetCallerIdentity"), new("Version", "2011-06-15")]);
        using var response = await requests.SendAsync(credentials, HttpMethod.Post, "/", form, cancellationToken, service: "sts").ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        XDocument xml;
        try { xml = XDocument.Parse(body); }
        catch (System.Xml.XmlException) { return new SignInOutcome(null, "InternalError", (int)response.StatusCode); }
        if (response.IsSuccessStatusCode && xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Arn")?.Value is { Length: > 0 } arn)
            return new SignInOutcome(arn, null, (int)response.StatusCode);
        var code = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value ?? "AccessDenied";
        return new SignInOutcome(null, code, (int)response.StatusCode);
    }
}

/// <summary>Who the key pair belongs to, or the error the node answered.</summary>
public sealed record SignInOutcome(string? Arn, string? ErrorCode, int Status)
{
    public bool Succeeded => Arn is not null;
}
