using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// STS AssumeRole through boto3 against a server whose shortest session is one second (--min-session-seconds, for tests):
/// the temporary credentials sign S3 requests with their session token until they expire, then ExpiredToken; a forged
/// token is InvalidToken. The raw answers are checked against STS's shapes (Schemas/Sts.xsd).
/// </summary>
public sealed class StsTests : IAsyncLifetime
{
    private const string Sts = "https://sts.amazonaws.com/doc/2011-06-15/";
    private ServerProcess server = null!;
    private readonly TempDir temp = new("cairn-sts");

    public async Task InitializeAsync() => server = await ServerProcess.StartAsync("--min-session-seconds", "1");

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        temp.Dispose();
    }

    [Fact]
    public async Task Assumed_role_credentials_work_until_they_expire_and_a_forged_token_is_refused()
    {
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["CAIRN_ENDPOINT"] = server.Endpoint;
        var result = await ExternalClients.RunAsync(ExternalClients.Python, ["-"], env, stdin: """
            import os, json, time, datetime
            import boto3
            from botocore.config import Config
            from botocore.exceptions import ClientError
            E = os.environ['CAIRN_ENDPOINT']
            # parameter_validation off: botocore refuses DurationSeconds under 900 before sending.
            cfg = Config(retries={'max_attempts': 1, 'mode': 'standard'}, parameter_validation=False, signature_version='s3v4', s3={'addressing_style': 'path'})
            def client(service, key=None, secret=None, token=None):
                kw = {} if key is None else {'aws_access_key_id': key, 'aws_secret_access_key': secret, 'aws_session_token': token}
                return boto3.client(service, endpoint_url=E, region_name='us-east-1', config=cfg, **kw)
            def code(f):
                try:
                    f()
                    return 'no error'
                except ClientError as e:
                    return [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
            iam = client('iam')
            user = iam.create_user(UserName='assumer')['User']
            key = iam.create_access_key(UserName='assumer')['AccessKey']
            trust = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': user['Arn']}, 'Action': 'sts:AssumeRole'}]}
            role = iam.create_role(RoleName='reader', AssumeRolePolicyDocument=json.dumps(trust))['Role']
            iam.put_role_policy(RoleName='reader', PolicyName='list', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListAllMyBuckets', 'Resource': '*'}]}))
            account_only = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::000000000000:root'}, 'Action': 'sts:AssumeRole'}]}
            other = iam.create_role(RoleName='other', AssumeRolePolicyDocument=json.dumps(account_only))['Role']
            sts = client('sts', key['AccessKeyId'], key['SecretAccessKey'])
            r = {'caller': sts.get_caller_identity()['Arn']}
            r['root_assumes'] = code(lambda: client('sts').assume_role(RoleArn=role['Arn'], RoleSessionName='root'))
            r['not_trusted'] = code(lambda: sts.assume_role(RoleArn=other['Arn'], RoleSessionName='sess'))
            r['too_long'] = code(lambda: sts.assume_role(RoleArn=role['Arn'], RoleSessionName='sess', DurationSeconds=7200))
            answer = sts.assume_role(RoleArn=role['Arn'], RoleSessionName='session-1', DurationSeconds=5)
            c = answer['Credentials']
            r['user'] = answer['AssumedRoleUser']
            r['key'] = c['AccessKeyId']
            s3 = client('s3', c['AccessKeyId'], c['SecretAccessKey'], c['SessionToken'])
            r['as_role'] = client('sts', c['AccessKeyId'], c['SecretAccessKey'], c['SessionToken']).get_caller_identity()['Arn']
            r['s3_valid'] = code(lambda: s3.list_buckets())
            forged = c['SessionToken'][:-6] + ('AAAAAA' if not c['SessionToken'].endswith('AAAAAA') else 'BBBBBB')
            r['s3_forged'] = code(lambda: client('s3', c['AccessKeyId'], c['SecretAccessKey'], forged).list_buckets())
            r['s3_no_token'] = code(lambda: client('s3', c['AccessKeyId'], c['SecretAccessKey']).list_buckets())
            # A session policy bounds the role's: the role may list buckets, this session only get objects.
            scoped = sts.assume_role(RoleArn=role['Arn'], RoleSessionName='scoped',
                Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}))['Credentials']
            r['s3_outside_session_policy'] = code(lambda: client('s3', scoped['AccessKeyId'], scoped['SecretAccessKey'], scoped['SessionToken']).list_buckets())
            # Wait (by the server's own answer of when) until the session is over, then use it.
            while datetime.datetime.now(datetime.timezone.utc) <= c['Expiration'] + datetime.timedelta(milliseconds=200):
                time.sleep(0.2)
            r['s3_expired'] = code(lambda: s3.list_buckets())
            print(json.dumps(r, default=str))
            """);
        Assert.True(result.ExitCode == 0, $"{result}\n{ExternalClients.Tail(server.Log, 40)}");
        var seen = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]).RootElement;

        Assert.Equal("arn:aws:iam::000000000000:user/assumer", seen.GetProperty("caller").GetString());
        AssertError(seen, "root_assumes", "AccessDenied", 403);
        AssertError(seen, "not_trusted", "AccessDenied", 403);
        AssertError(seen, "too_long", "ValidationError", 400);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/reader/session-1", seen.GetProperty("user").GetProperty("Arn").GetString());
        Assert.Matches("^AROA[A-Z2-7]{17}:session-1$", seen.GetProperty("user").GetProperty("AssumedRoleId").GetString());
        Assert.Matches("^ASIA[A-Z2-7]{16}$", seen.GetProperty("key").GetString());
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/reader/session-1", seen.GetProperty("as_role").GetString());
        Assert.Equal("no error", seen.GetProperty("s3_valid").GetString());
        AssertError(seen, "s3_forged", "InvalidToken", 400);
        AssertError(seen, "s3_no_token", "InvalidAccessKeyId", 403);
        AssertError(seen, "s3_expired", "ExpiredToken", 400);
        AssertError(seen, "s3_outside_session_policy", "AccessDenied", 403);
    }

    [Fact]
    public async Task Raw_AssumeRole_and_GetCallerIdentity_answers_have_STSs_shapes()
    {
        using var root = new IamHttp(server);
        await root.OkAsync("CreateUserResponse", ("Action", "CreateUser"), ("UserName", "raw"));
        var key = await root.OkAsync("CreateAccessKeyResponse", ("Action", "CreateAccessKey"), ("UserName", "raw"));
        var (keyId, secret) = (Value(key, IamHttp.Namespace, "AccessKeyId"), Value(key, IamHttp.Namespace, "SecretAccessKey"));
        await root.OkAsync("CreateRoleResponse", ("Action", "CreateRole"), ("RoleName", "raw-role"),
            ("AssumeRolePolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"""));

        using var user = new IamHttp(server, keyId, secret);
        var (status, body) = await user.SendAsync([("Action", "AssumeRole"), ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::000000000000:role/raw-role"), ("RoleSessionName", "raw-session")], service: "sts");
        Assert.True(status == HttpStatusCode.OK, body);
        var assumed = S3Schema.Validate(body, "AssumeRoleResponse");
        Assert.StartsWith("ASIA", Value(assumed, Sts, "AccessKeyId"));

        (status, body) = await user.SendAsync([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], service: "sts");
        Assert.Equal("000000000000", Value(S3Schema.Validate(body, "GetCallerIdentityResponse"), Sts, "Account"));

        // An STS action signed for IAM is refused in STS's words.
        (status, body) = await user.SendAsync([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], service: "iam");
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), (status, Value(S3Schema.Validate(body, "ErrorResponse"), Sts, "Code")));
    }

    private static string Value(XElement root, string ns, string name) => root.Descendants(XName.Get(name, ns)).Single().Value;

    private static void AssertError(JsonElement seen, string name, string code, int status)
    {
        var e = seen.GetProperty(name);
        Assert.True(e.ValueKind == JsonValueKind.Array, $"{name}: expected {code}, got {e}");
        Assert.Equal((code, status), (e[0].GetString(), e[1].GetInt32()));
    }
}
