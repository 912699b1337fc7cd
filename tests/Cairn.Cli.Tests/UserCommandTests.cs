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
        Assert.Equal("AccessDenied", await ListBucketsAsync(keyId, secret));

        await PutListPolicyAsync("user", "policy", "put", user, "read");
        Assert.Equal("OK", await ListBucketsAsync(keyId, secret));
        var disabled = await Server.AdminAsync("user", "disable", user);
        Assert.Equal([keyId], disabled.GetProperty("AccessKeyIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("InvalidAccessKeyId", await ListBucketsAsync(keyId, secret));
        await Server.AdminAsync("user", "enable", user);
        Assert.Equal("OK", await ListBucketsAsync(keyId, secret));

        var policy = await Server.AdminAsync("user", "policy", "get", user, "read");
        Assert.Equal("s3:ListAllMyBuckets", policy.GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Action").GetString());
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
        Assert.Equal("InvalidAccessKeyId", await ListBucketsAsync(keyId, secret));
    }

    [Fact]
    public async Task Admin_group_commands_grant_members_the_groups_policies_until_they_leave()
    {
        var (user, group) = ("member" + Guid.NewGuid().ToString("N")[..8], "team" + Guid.NewGuid().ToString("N")[..8]);
        await Server.AdminAsync("user", "create", user);
        var key = (await Server.AdminAsync("user", "key", "create", user)).GetProperty("AccessKey");
        var (keyId, secret) = (key.GetProperty("AccessKeyId").GetString()!, key.GetProperty("SecretAccessKey").GetString()!);
        var created = await Server.AdminAsync("group", "create", group, "--path", "/ops/");
        Assert.Equal($"arn:aws:iam::000000000000:group/ops/{group}", created.GetProperty("Group").GetProperty("Arn").GetString());
        await PutListPolicyAsync("group", "policy", "put", group, "list");
        // The group's policy reaches the user only as a member.
        Assert.Equal("AccessDenied", await ListBucketsAsync(keyId, secret));
        await Server.AdminAsync("group", "add-user", group, user);
        Assert.Equal("OK", await ListBucketsAsync(keyId, secret));
        Assert.Equal([user], (await Server.AdminAsync("group", "get", group)).GetProperty("Users").EnumerateArray().Select(u => u.GetProperty("UserName").GetString()));
        Assert.Contains(group, (await Server.AdminAsync("group", "list")).GetProperty("Groups").EnumerateArray().Select(g => g.GetProperty("GroupName").GetString()));
        Assert.Equal("s3:ListAllMyBuckets",
            (await Server.AdminAsync("group", "policy", "get", group, "list")).GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Action").GetString());
        Assert.Equal(["list"], (await Server.AdminAsync("group", "policy", "list", group)).GetProperty("PolicyNames").EnumerateArray().Select(e => e.GetString()));

        // IAM refuses to delete a group that still has members or policies.
        var refused = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("admin", "group", "delete", group, "--endpoint", Server.Endpoint));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("DeleteConflict", refused.Stderr);

        await Server.AdminAsync("group", "remove-user", group, user);
        Assert.Equal("AccessDenied", await ListBucketsAsync(keyId, secret));
        await Server.AdminAsync("group", "policy", "delete", group, "list");
        await Server.AdminAsync("group", "delete", group);
        Assert.DoesNotContain(group, (await Server.AdminAsync("group", "list")).GetProperty("Groups").EnumerateArray().Select(g => g.GetProperty("GroupName").GetString()));
    }

    /// <summary>`cairn admin ARGS FILE` with FILE a policy allowing s3:ListAllMyBuckets.</summary>
    private async Task PutListPolicyAsync(params string[] args)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cairn-policy-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}""");
        try
        {
            await Server.AdminAsync([.. args, file]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>ListBuckets signed with the key: "OK", or the S3 error code.</summary>
    private async Task<string> ListBucketsAsync(string keyId, string secret)
    {
        using var s3 = new SignedHttp(Server, keyId, secret);
        using var response = await s3.SendAsync(HttpMethod.Get, "/");
        return response.StatusCode == HttpStatusCode.OK ? "OK" : (await SignedHttp.ErrorOf(response)).Code ?? response.StatusCode.ToString();
    }
}
