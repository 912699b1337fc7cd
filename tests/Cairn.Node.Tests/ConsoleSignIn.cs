using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>A browser's part, over plain HTTP: signs in to a node's console (its S3 port, path /console) as the root.</summary>
internal static class ConsoleSignIn
{
    /// <summary>A client holding the session cookie, redirects followed; the caller disposes it.</summary>
    public static async Task<HttpClient> AsRootAsync(ServerProcess server)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = true });
        var signIn = await http.GetStringAsync(server.Endpoint + "/console/sign-in");
        var token = System.Text.RegularExpressions.Regex.Match(signIn, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEqual("", token);
        using var posted = await http.PostAsync(server.Endpoint + "/console/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["accessKeyId"] = ServerProcess.AccessKey,
            ["secretKey"] = ServerProcess.SecretKey,
        }));
        Assert.DoesNotContain("/sign-in", posted.RequestMessage!.RequestUri!.AbsolutePath);
        return http;
    }
}
