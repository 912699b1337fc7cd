using System.Net;
using System.Text;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// Identities live in the index like everything else: they survive a restart, and an access key's secret is stored only
/// sealed under the master key, never in plain text in any file of the data directory.
/// </summary>
public sealed class IamPersistenceTests : IAsyncLifetime
{
    private ServerProcess server = null!;

    public async Task InitializeAsync() => server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Users_and_keys_survive_a_restart_and_no_file_holds_a_secret_in_plain_text()
    {
        using var iam = new IamHttp(server);
        await iam.OkAsync("CreateUserResponse", ("Action", "CreateUser"), ("UserName", "persistent"));
        var created = await iam.OkAsync("CreateAccessKeyResponse", ("Action", "CreateAccessKey"), ("UserName", "persistent"));
        var keyId = created.Descendants(XName.Get("AccessKeyId", IamHttp.Namespace)).Single().Value;
        var secret = created.Descendants(XName.Get("SecretAccessKey", IamHttp.Namespace)).Single().Value;
        Assert.Equal(HttpStatusCode.OK, await ListBucketsAsAsync(keyId, secret));
        Assert.Empty(FilesHolding(secret));

        await server.RestartAsync();

        Assert.Equal(HttpStatusCode.OK, await ListBucketsAsAsync(keyId, secret));
        var users = await iam.OkAsync("ListUsersResponse", ("Action", "ListUsers"));
        Assert.Contains("persistent", users.Descendants(XName.Get("UserName", IamHttp.Namespace)).Select(e => e.Value));
        // The restart flushed the index into its table files too: still no plain secret anywhere.
        Assert.Empty(FilesHolding(secret));
        Assert.DoesNotContain(secret, server.Log);
    }

    private async Task<HttpStatusCode> ListBucketsAsAsync(string keyId, string secret)
    {
        using var s3 = new SignedHttp(server, keyId, secret);
        using var response = await s3.SendAsync(HttpMethod.Get, "/");
        return response.StatusCode;
    }

    /// <summary>Files holding the secret as text, or as the base64 that JSON makes of its bytes.</summary>
    private IEnumerable<string> FilesHolding(string secret)
    {
        byte[][] needles = [Encoding.ASCII.GetBytes(secret), Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.ASCII.GetBytes(secret)))];
        return Directory.EnumerateFiles(server.DataPath, "*", SearchOption.AllDirectories)
            .Where(f => needles.Any(n => File.ReadAllBytes(f).AsSpan().IndexOf(n) >= 0))
            .ToList();
    }
}
