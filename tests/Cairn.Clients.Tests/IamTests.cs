using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Cairn.Auth;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// IAM's query API on the S3 endpoint, through the clients that speak it: boto3's IAM client, Debian's `aws iam`, and raw
/// signed requests whose XML is checked against IAM's shapes (Schemas/Iam.xsd). A user's access key signs S3 requests
/// until it is disabled or deleted.
/// </summary>
public sealed class IamTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-iam");

    public void Dispose() => temp.Dispose();

    private const string Prelude = """
        import sys, os, json
        import boto3, botocore
        from botocore.config import Config
        from botocore.exceptions import ClientError
        config = Config(retries={'max_attempts': 1, 'mode': 'standard'}, connect_timeout=10, read_timeout=30)
        endpoint = os.environ['CAIRN_ENDPOINT']
        iam = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1', config=config)
        def s3_as(key):
            return boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key['AccessKeyId'],
                                aws_secret_access_key=key['SecretAccessKey'],
                                config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1, 'mode': 'standard'}))
        def out(obj):
            print(json.dumps(obj, default=str))
        def code(f):
            try:
                f()
                return 'no error'
            except ClientError as e:
                return [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['Error']['Message']]

        """;

    [Fact]
    public async Task Boto3_manages_users_keys_and_policies_and_a_user_key_signs_S3_until_disabled_or_deleted()
    {
        var user = "boto-" + Guid.NewGuid().ToString("N")[..8];
        var seen = await PythonAsync("""
            user = os.environ['IAM_USER']
            created = iam.create_user(UserName=user, Path='/team/')['User']
            r = {'created': created, 'again': code(lambda: iam.create_user(UserName=user.upper()))}
            k1 = iam.create_access_key(UserName=user)['AccessKey']
            k2 = iam.create_access_key(UserName=user)['AccessKey']
            r['third'] = code(lambda: iam.create_access_key(UserName=user))
            r['keys'] = sorted(k['AccessKeyId'] for k in iam.list_access_keys(UserName=user)['AccessKeyMetadata'])
            r['k1'] = {'id': k1['AccessKeyId'], 'secret_length': len(k1['SecretAccessKey']), 'status': k1['Status']}
            r['k2'] = k2['AccessKeyId']
            r['get'] = iam.get_user(UserName=user)['User']
            r['listed'] = [u['UserName'] for u in iam.list_users(PathPrefix='/team/')['Users']]
            s3 = s3_as(k1)
            r['s3_active'] = code(lambda: s3.list_buckets())
            iam.update_access_key(UserName=user, AccessKeyId=k1['AccessKeyId'], Status='Inactive')
            r['status_after_disable'] = [k['Status'] for k in iam.list_access_keys(UserName=user)['AccessKeyMetadata'] if k['AccessKeyId'] == k1['AccessKeyId']]
            r['s3_disabled'] = code(lambda: s3.list_buckets())
            iam.update_access_key(UserName=user, AccessKeyId=k1['AccessKeyId'], Status='Active')
            r['s3_enabled_again'] = code(lambda: s3.list_buckets())
            policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:ListBucket'], 'Resource': ['arn:aws:s3:::b/*', 'arn:aws:s3:::b']}]}
            iam.put_user_policy(UserName=user, PolicyName='read-b', PolicyDocument=json.dumps(policy))
            r['policy_roundtrip'] = iam.get_user_policy(UserName=user, PolicyName='read-b')['PolicyDocument'] == policy
            r['policies'] = iam.list_user_policies(UserName=user)['PolicyNames']
            r['malformed'] = code(lambda: iam.put_user_policy(UserName=user, PolicyName='bad', PolicyDocument='{"Statement": [}'))
            r['delete_with_keys'] = code(lambda: iam.delete_user(UserName=user))
            iam.delete_access_key(UserName=user, AccessKeyId=k1['AccessKeyId'])
            iam.delete_access_key(UserName=user, AccessKeyId=k2['AccessKeyId'])
            r['s3_deleted'] = code(lambda: s3.list_buckets())
            r['delete_with_policy'] = code(lambda: iam.delete_user(UserName=user))
            iam.delete_user_policy(UserName=user, PolicyName='read-b')
            iam.delete_user(UserName=user)
            r['gone'] = code(lambda: iam.get_user(UserName=user))
            out(r)
            """, user);

        Assert.Equal(user, seen.GetProperty("created").GetProperty("UserName").GetString());
        Assert.Equal($"arn:aws:iam::000000000000:user/team/{user}", seen.GetProperty("created").GetProperty("Arn").GetString());
        Assert.Matches("^AIDA[A-Z2-7]{17}$", seen.GetProperty("created").GetProperty("UserId").GetString());
        AssertError(seen, "again", "EntityAlreadyExists", 409);
        AssertError(seen, "third", "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2");
        Assert.Matches("^AKIA[A-Z2-7]{16}$", seen.GetProperty("k1").GetProperty("id").GetString());
        Assert.Equal(40, seen.GetProperty("k1").GetProperty("secret_length").GetInt32());
        Assert.Equal(2, seen.GetProperty("keys").GetArrayLength());
        Assert.Equal([user], seen.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        // Until identity policies are evaluated (the policy engine), a user's key signs S3 requests as the account does.
        Assert.Equal("no error", seen.GetProperty("s3_active").GetString());
        Assert.Equal("Inactive", seen.GetProperty("status_after_disable")[0].GetString());
        AssertError(seen, "s3_disabled", "InvalidAccessKeyId", 403);
        Assert.Equal("no error", seen.GetProperty("s3_enabled_again").GetString());
        Assert.True(seen.GetProperty("policy_roundtrip").GetBoolean());
        Assert.Equal(["read-b"], seen.GetProperty("policies").EnumerateArray().Select(e => e.GetString()));
        AssertError(seen, "malformed", "MalformedPolicyDocument", 400);
        AssertError(seen, "delete_with_keys", "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.");
        AssertError(seen, "s3_deleted", "InvalidAccessKeyId", 403);
        AssertError(seen, "delete_with_policy", "DeleteConflict", 409, "Cannot delete entity, must delete policies first.");
        AssertError(seen, "gone", "NoSuchEntity", 404, $"The user with name {user} cannot be found.");
    }

    /// <summary>Each `aws` run costs seconds of Python start-up: one pass over the commands, the refusals are boto3's and the raw test's.</summary>
    [Fact]
    public async Task Aws_cli_iam_commands_create_and_delete_users_keys_and_policies()
    {
        var user = "cli-" + Guid.NewGuid().ToString("N")[..8];
        var policy = temp.File("policy.json");
        File.WriteAllText(policy, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");

        var created = await AwsJsonAsync("iam", "create-user", "--user-name", user);
        Assert.Equal(user, created.GetProperty("User").GetProperty("UserName").GetString());
        var key = (await AwsJsonAsync("iam", "create-access-key", "--user-name", user)).GetProperty("AccessKey");
        var keyId = key.GetProperty("AccessKeyId").GetString()!;
        Assert.Equal(40, key.GetProperty("SecretAccessKey").GetString()!.Length);
        await AwsOkAsync("iam", "put-user-policy", "--user-name", user, "--policy-name", "all-s3", "--policy-document", "file://" + policy);
        var got = await AwsJsonAsync("iam", "get-user-policy", "--user-name", user, "--policy-name", "all-s3");
        Assert.Equal("s3:*", got.GetProperty("PolicyDocument").GetProperty("Statement")[0].GetProperty("Action").GetString());
        await AwsOkAsync("iam", "delete-access-key", "--user-name", user, "--access-key-id", keyId);
        await AwsOkAsync("iam", "delete-user-policy", "--user-name", user, "--policy-name", "all-s3");
        await AwsOkAsync("iam", "delete-user", "--user-name", user);
    }

    [Fact]
    public async Task Raw_answers_have_IAMs_shapes_pages_and_errors()
    {
        using var iam = new IamHttp(fixture.Server);
        var prefix = "raw" + Guid.NewGuid().ToString("N")[..6];
        foreach (var n in new[] { "a", "b", "c" })
            await iam.OkAsync("CreateUserResponse", ("Action", "CreateUser"), ("UserName", prefix + n), ("Path", $"/{prefix}/"));

        // Paging: MaxItems=2 gives two users, IsTruncated and a Marker that continues with the third.
        var first = await iam.OkAsync("ListUsersResponse", ("Action", "ListUsers"), ("PathPrefix", $"/{prefix}/"), ("MaxItems", "2"));
        Assert.Equal([prefix + "a", prefix + "b"], Values(first, "UserName"));
        Assert.Equal("true", Values(first, "IsTruncated").Single());
        var marker = Values(first, "Marker").Single();
        var second = await iam.OkAsync("ListUsersResponse", ("Action", "ListUsers"), ("PathPrefix", $"/{prefix}/"), ("MaxItems", "2"), ("Marker", marker));
        Assert.Equal([prefix + "c"], Values(second, "UserName"));
        Assert.Equal("false", Values(second, "IsTruncated").Single());

        var key = await iam.OkAsync("CreateAccessKeyResponse", ("Action", "CreateAccessKey"), ("UserName", prefix + "a"));
        Assert.Equal("Active", Values(key, "Status").Single());
        await iam.OkAsync("ListAccessKeysResponse", ("Action", "ListAccessKeys"), ("UserName", prefix + "a"));
        await iam.OkAsync("GetUserResponse", ("Action", "GetUser"));
        await iam.OkAsync("PutUserPolicyResponse", ("Action", "PutUserPolicy"), ("UserName", prefix + "b"), ("PolicyName", "p"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"""));
        var policy = await iam.OkAsync("GetUserPolicyResponse", ("Action", "GetUserPolicy"), ("UserName", prefix + "b"), ("PolicyName", "p"));
        // IAM answers the document URL-encoded.
        Assert.StartsWith("%7B%22Version%22%3A%222012-10-17%22", Values(policy, "PolicyDocument").Single());
        await iam.OkAsync("ListUserPoliciesResponse", ("Action", "ListUserPolicies"), ("UserName", prefix + "b"));

        await iam.ErrorAsync(HttpStatusCode.BadRequest, "InvalidAction", ("Action", "FlyToTheMoon"));
        await iam.ErrorAsync(HttpStatusCode.BadRequest, "ValidationError", ("Action", "CreateUser"), ("UserName", "no spaces allowed"));
        await iam.ErrorAsync(HttpStatusCode.BadRequest, "ValidationError", ("Action", "CreateUser"));
        await iam.ErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", ("Action", "DeleteUserPolicy"), ("UserName", prefix + "b"), ("PolicyName", "nope"));
        await iam.ErrorAsync(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", service: "s3", form: [("Action", "ListUsers")]);
        await iam.ErrorAsync(HttpStatusCode.Forbidden, "InvalidClientTokenId", accessKey: "AKIANOSUCHKEY0000000", form: [("Action", "ListUsers")]);
        await iam.ErrorAsync(HttpStatusCode.Forbidden, "MissingAuthenticationToken", sign: false, form: [("Action", "ListUsers")]);
    }

    private static void AssertError(JsonElement seen, string name, string code, int status, string? message = null)
    {
        var e = seen.GetProperty(name);
        Assert.True(e.ValueKind == JsonValueKind.Array, $"{name}: expected {code}, got {e}");
        Assert.Equal((code, status), (e[0].GetString(), e[1].GetInt32()));
        if (message is not null) Assert.Equal(message, e[2].GetString());
    }

    private static string[] Values(XElement root, string name) => [.. root.Descendants(XName.Get(name, IamHttp.Namespace)).Select(e => e.Value)];

    private async Task<JsonElement> PythonAsync(string script, string user)
    {
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["CAIRN_ENDPOINT"] = fixture.Server.Endpoint;
        env["IAM_USER"] = user;
        var result = (await ExternalClients.RunAsync(ExternalClients.Python, ["-"], env, stdin: Prelude + script)).Succeeded(fixture, "boto3 script");
        var last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        Assert.False(last is null, $"the script printed nothing: {result}");
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    private Task<ProcessResult> AwsAsync(params string[] args) =>
        ExternalClients.RunAsync(ExternalClients.AwsCli, ["--endpoint-url", fixture.Server.Endpoint, "--no-cli-pager", "--output", "json", "--cli-read-timeout", "30", .. args],
            ExternalClients.Environment(temp.Sub("home")));

    private async Task<ProcessResult> AwsOkAsync(params string[] args) => (await AwsAsync(args)).Succeeded(fixture, "aws " + string.Join(' ', args));

    private async Task<JsonElement> AwsJsonAsync(params string[] args) => JsonDocument.Parse((await AwsOkAsync(args)).Stdout).RootElement.Clone();
}

/// <summary>Raw IAM query-API calls as boto3 sends them (a form POST to /, signed for the service iam), their answers validated against Iam.xsd.</summary>
public sealed class IamHttp(ServerProcess server, string? signingKey = null, string? signingSecret = null) : IDisposable
{
    public const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(IEnumerable<(string Name, string Value)> form, string service = "iam", string? accessKey = null, bool sign = true)
    {
        var fields = form.Any(f => f.Name == "Version") ? form : form.Append((Name: "Version", Value: "2010-05-08"));
        var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint + "/")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        if (sign)
            SigV4Signer.Sign(request, accessKey ?? signingKey ?? ServerProcess.AccessKey, signingSecret ?? ServerProcess.SecretKey, ServerProcess.Region,
                DateTimeOffset.UtcNow, service);
        using var response = await http.SendAsync(request);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A successful call: 200 and a body of IAM's shape with the expected root.</summary>
    public async Task<XElement> OkAsync(string root, params (string Name, string Value)[] form)
    {
        var (status, body) = await SendAsync(form);
        Assert.True(status == HttpStatusCode.OK, $"{form[0].Value}: {(int)status} {body}");
        return S3Schema.Validate(body, root);
    }

    /// <summary>A refused call: the status and IAM's error code, in an ErrorResponse of IAM's shape.</summary>
    public async Task<XElement> ErrorAsync(HttpStatusCode expected, string code, params (string Name, string Value)[] form) =>
        await ErrorAsync(expected, code, "iam", null, true, form);

    public async Task<XElement> ErrorAsync(HttpStatusCode expected, string code, string service = "iam", string? accessKey = null, bool sign = true,
        params (string Name, string Value)[] form)
    {
        var (status, body) = await SendAsync(form, service, accessKey, sign);
        var error = S3Schema.Validate(body, "ErrorResponse");
        Assert.Equal((expected, code), (status, error.Descendants(XName.Get("Code", Namespace)).Single().Value));
        return error;
    }

    public void Dispose() => http.Dispose();
}
