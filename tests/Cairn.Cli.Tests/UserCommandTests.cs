using System.Net;
using System.Text.Json;
using Cairn.Testing;

namespace Cairn.Cli.Tests;

/// <summary>`cairn admin user …` against a real server: users, keys and policies through the IAM API, with the root pair.</summary>
public sealed class UserCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task Admin_user_commands_manage_users_keys_and_policies_and_disable_stops_the_keys()
    {
        var user = "cli" + Guid.NewGuid().ToString("N")[..8];
        var created = await Server.AdminAsync("user", "create", user, "--path", "/ops/");
        Assert.Equal($"arn:aws:iam::000000000000:user/ops/{user}", created.GetProperty("User").GetProperty("Arn").GetString());

        var key = (await Server.AdminAsync("user", "key", "create", user)).GetProperty("AccessKey");
        var (keyId, secret) = (key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
        Assert.Equal(HttpStatusCode.OK, await ListBucketsAsync(keyId, secret));

        var disabled = await Server.AdminAsync("user", "disable", user);
        Assert.Equal([keyId], disabled.GetProperty("AccessKeyIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, await ListBucketsAsync(keyId, secret));
        await Server.AdminAsync("user", "enable", user);
        Assert.Equal(HttpStatusCode.OK, await ListBucketsAsync(keyId, secret));

        var file = Path.Combine(Path.GetTempPath(), $"cairn-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}""");
        try
        {
            await Server.AdminAsync("user", "policy", "put", user, "read", file);
        }
        finally
        {
            File.Delete(file);
        }
        var policy = await Server.AdminAsync("user", "policy", "get", user, "read");
        Assert.Equal("s3:GetObject", policy.GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Action").GetString());
        Assert.Equal(["read"], (await Server.AdminAsync("user", "policy", "list", user)).GetProperty("PolicyNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(user, (await Server.AdminAsync("user", "list")).GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()));

        // The secret was shown once: listing keys never shows it again.
        Assert.DoesNotContain(secret, (await Server.AdminAsync("user", "key", "list", user)).ToString());

        var refused = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "user", "delete", user, "--endpoint", Server.Endpoint));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("DeleteConflict", refused.Stderr);

        await Server.AdminAsync("user", "key", "delete", user, keyId);
        await Server.AdminAsync("user", "policy", "delete", user, "read");
        await Server.AdminAsync("user", "delete", user);
        Assert.Equal(HttpStatusCode.Forbidden, await ListBucketsAsync(keyId, secret));
    }

    private async Task<HttpStatusCode> ListBucketsAsync(string keyId, string secret)
    {
        using var s3 = new SignedHttp(Server, keyId, secret);
        using var response = await s3.SendAsync(HttpMethod.Get, "/");
        return response.StatusCode;
    }
}
