using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Cairn.Auth;
using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>
/// IAM's query API on the S3 endpoint, through the clients that speak it: boto3's IAM client, Debian's `aws iam`, and raw
/// signed requests whose XML is checked against IAM's shapes (Schemas/Iam.xsd). A user's access key signs S3 requests
/// until it is disabled or deleted; a user calls IAM and STS as its policies (its own, its groups') and roles' trust
/// policies allow.
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
        def client_as(service, key):
            return boto3.client(service, endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key['AccessKeyId'],
                                aws_secret_access_key=key['SecretAccessKey'], config=config)
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
            r['s3_no_policy'] = code(lambda: s3.list_buckets())
            iam.put_user_policy(UserName=user, PolicyName='list', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListAllMyBuckets', 'Resource': '*'}]}))
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
            iam.delete_user_policy(UserName=user, PolicyName='list')
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
        // A user without a policy may do nothing; with one, what it allows.
        AssertError(seen, "s3_no_policy", "AccessDenied", 403);
        Assert.Equal("no error", seen.GetProperty("s3_active").GetString());
        Assert.Equal("Inactive", seen.GetProperty("status_after_disable")[0].GetString());
        AssertError(seen, "s3_disabled", "InvalidAccessKeyId", 403);
        Assert.Equal("no error", seen.GetProperty("s3_enabled_again").GetString());
        Assert.True(seen.GetProperty("policy_roundtrip").GetBoolean());
        Assert.Equal(["list", "read-b"], seen.GetProperty("policies").EnumerateArray().Select(e => e.GetString()));
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

        var group = await iam.OkAsync("CreateGroupResponse", ("Action", "CreateGroup"), ("GroupName", prefix + "g"), ("Path", $"/{prefix}/"));
        Assert.Matches("^AGPA[A-Z2-7]{17}$", Values(group, "GroupId").Single());
        await iam.OkAsync("AddUserToGroupResponse", ("Action", "AddUserToGroup"), ("GroupName", prefix + "g"), ("UserName", prefix + "a"));
        var members = await iam.OkAsync("GetGroupResponse", ("Action", "GetGroup"), ("GroupName", prefix + "g"));
        Assert.Equal([prefix + "a"], Values(members, "UserName"));
        await iam.OkAsync("ListGroupsResponse", ("Action", "ListGroups"), ("PathPrefix", $"/{prefix}/"));
        await iam.OkAsync("ListGroupsForUserResponse", ("Action", "ListGroupsForUser"), ("UserName", prefix + "a"));
        await iam.OkAsync("PutGroupPolicyResponse", ("Action", "PutGroupPolicy"), ("GroupName", prefix + "g"), ("PolicyName", "p"),
            ("PolicyDocument", """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"""));
        await iam.OkAsync("GetGroupPolicyResponse", ("Action", "GetGroupPolicy"), ("GroupName", prefix + "g"), ("PolicyName", "p"));
        await iam.OkAsync("ListGroupPoliciesResponse", ("Action", "ListGroupPolicies"), ("GroupName", prefix + "g"));
        var lastUsed = await iam.OkAsync("GetAccessKeyLastUsedResponse", ("Action", "GetAccessKeyLastUsed"), ("AccessKeyId", Values(key, "AccessKeyId").Single()));
        Assert.Equal((prefix + "a", "N/A"), (Values(lastUsed, "UserName").Single(), Values(lastUsed, "Region").Single()));
        await iam.ErrorAsync(HttpStatusCode.Conflict, "DeleteConflict", ("Action", "DeleteGroup"), ("GroupName", prefix + "g"));

        await iam.ErrorAsync(HttpStatusCode.BadRequest, "InvalidAction", ("Action", "FlyToTheMoon"));
        await iam.ErrorAsync(HttpStatusCode.BadRequest, "ValidationError", ("Action", "CreateUser"), ("UserName", "no spaces allowed"));
        await iam.ErrorAsync(HttpStatusCode.BadRequest, "ValidationError", ("Action", "CreateUser"));
        await iam.ErrorAsync(HttpStatusCode.NotFound, "NoSuchEntity", ("Action", "DeleteUserPolicy"), ("UserName", prefix + "b"), ("PolicyName", "nope"));
        await iam.ErrorAsync(HttpStatusCode.Forbidden, "SignatureDoesNotMatch", service: "s3", form: [("Action", "ListUsers")]);
        await iam.ErrorAsync(HttpStatusCode.Forbidden, "InvalidClientTokenId", accessKey: "AKIANOSUCHKEY0000000", form: [("Action", "ListUsers")]);
        await iam.ErrorAsync(HttpStatusCode.Forbidden, "MissingAuthenticationToken", sign: false, form: [("Action", "ListUsers")]);
    }

    [Fact]
    public async Task A_user_calls_IAM_as_its_policies_allow_and_the_self_service_policy_rotates_only_its_own_keys()
    {
        var user = "self-" + Guid.NewGuid().ToString("N")[..8];
        var seen = await PythonAsync("""
            user = os.environ['IAM_USER']
            other = user + '-other'
            iam.create_user(UserName=user)
            iam.create_user(UserName=other)
            old = iam.create_access_key(UserName=user)['AccessKey']
            me = client_as('iam', old)
            r = {'create_denied': code(lambda: me.create_user(UserName=user + '-new')), 'list_denied': code(lambda: me.list_users())}
            # AWS's classic self-service policy: everything on the caller's own user.
            own = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'iam:*', 'Resource': 'arn:aws:iam::000000000000:user/${aws:username}'}]}
            iam.put_user_policy(UserName=user, PolicyName='self-service', PolicyDocument=json.dumps(own))
            new = me.create_access_key()['AccessKey']
            r['new_key_user'] = new['UserName']
            me = client_as('iam', new)
            me.update_access_key(AccessKeyId=old['AccessKeyId'], Status='Inactive')
            r['old_key_disabled'] = code(lambda: client_as('iam', old).get_user())
            me.delete_access_key(AccessKeyId=old['AccessKeyId'])
            r['keys_after_rotation'] = [k['AccessKeyId'] for k in me.list_access_keys()['AccessKeyMetadata']]
            r['new_key'] = new['AccessKeyId']
            r['get_self'] = me.get_user()['User']['UserName']
            r['last_used'] = me.get_access_key_last_used(AccessKeyId=new['AccessKeyId'])['UserName']
            r['other_keys'] = code(lambda: me.list_access_keys(UserName=other))
            r['other_create_key'] = code(lambda: me.create_access_key(UserName=other))
            r['still_no_create_user'] = code(lambda: me.create_user(UserName=user + '-new'))
            # An explicit Deny wins over the Allow.
            iam.put_user_policy(UserName=user, PolicyName='keep-keys', PolicyDocument=json.dumps(
                {'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Action': 'iam:DeleteAccessKey', 'Resource': '*'}]}))
            r['deny_wins'] = code(lambda: me.delete_access_key(AccessKeyId=new['AccessKeyId']))
            out(r)
            """, user);

        var arn = $"arn:aws:iam::000000000000:user/{user}";
        AssertError(seen, "create_denied", "AccessDenied", 403,
            $"User: {arn} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/{user}-new");
        AssertError(seen, "list_denied", "AccessDenied", 403, $"User: {arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::000000000000:user/");
        Assert.Equal(user, seen.GetProperty("new_key_user").GetString());
        AssertError(seen, "old_key_disabled", "InvalidClientTokenId", 403);
        Assert.Equal([seen.GetProperty("new_key").GetString()], seen.GetProperty("keys_after_rotation").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(user, seen.GetProperty("get_self").GetString());
        Assert.Equal(user, seen.GetProperty("last_used").GetString());
        AssertError(seen, "other_keys", "AccessDenied", 403, $"User: {arn} is not authorized to perform: iam:ListAccessKeys on resource: {arn}-other");
        AssertError(seen, "other_create_key", "AccessDenied", 403);
        AssertError(seen, "still_no_create_user", "AccessDenied", 403);
        AssertError(seen, "deny_wins", "AccessDenied", 403);
    }

    [Fact]
    public async Task A_groups_policy_grants_its_members_until_they_leave_and_groups_in_use_are_not_deleted()
    {
        var user = "grp-" + Guid.NewGuid().ToString("N")[..8];
        var seen = await PythonAsync("""
            user = os.environ['IAM_USER']
            group, bucket, idle = user + '-readers', user + '-bucket', user + '-idle'
            root_s3 = boto3.client('s3', endpoint_url=endpoint, region_name='us-east-1', config=Config(s3={'addressing_style': 'path'}))
            root_s3.create_bucket(Bucket=bucket)
            root_s3.put_object(Bucket=bucket, Key='a.txt', Body=b'hello')
            iam.create_user(UserName=user)
            iam.create_user(UserName=idle)
            s3 = s3_as(iam.create_access_key(UserName=user)['AccessKey'])
            r = {'before': code(lambda: s3.get_object(Bucket=bucket, Key='a.txt'))}
            r['group'] = iam.create_group(GroupName=group, Path='/teams/')['Group']
            read = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:ListBucket'],
                    'Resource': ['arn:aws:s3:::' + bucket, 'arn:aws:s3:::' + bucket + '/*']}]}
            iam.put_group_policy(GroupName=group, PolicyName='read', PolicyDocument=json.dumps(read))
            iam.add_user_to_group(GroupName=group, UserName=user)
            iam.add_user_to_group(GroupName=group, UserName=idle)
            r['member_get'] = s3.get_object(Bucket=bucket, Key='a.txt')['Body'].read().decode()
            r['member_list'] = [o['Key'] for o in s3.list_objects_v2(Bucket=bucket)['Contents']]
            r['member_put'] = code(lambda: s3.put_object(Bucket=bucket, Key='b.txt', Body=b'x'))
            r['members'] = [u['UserName'] for u in iam.get_group(GroupName=group)['Users']]
            r['groups_of_user'] = [g['GroupName'] for g in iam.list_groups_for_user(UserName=user)['Groups']]
            r['listed'] = [g['GroupName'] for g in iam.list_groups(PathPrefix='/teams/')['Groups']]
            r['policies'] = iam.list_group_policies(GroupName=group)['PolicyNames']
            r['policy_roundtrip'] = iam.get_group_policy(GroupName=group, PolicyName='read')['PolicyDocument'] == read
            r['delete_group_with_members'] = code(lambda: iam.delete_group(GroupName=group))
            r['delete_member_user'] = code(lambda: iam.delete_user(UserName=idle))
            iam.remove_user_from_group(GroupName=group, UserName=user)
            r['after_leaving'] = code(lambda: s3.get_object(Bucket=bucket, Key='a.txt'))
            r['remove_again'] = code(lambda: iam.remove_user_from_group(GroupName=group, UserName=user))
            iam.remove_user_from_group(GroupName=group, UserName=idle)
            iam.delete_user(UserName=idle)
            r['delete_group_with_policy'] = code(lambda: iam.delete_group(GroupName=group))
            iam.delete_group_policy(GroupName=group, PolicyName='read')
            iam.delete_group(GroupName=group)
            r['gone'] = code(lambda: iam.get_group(GroupName=group))
            out(r)
            """, user);

        Assert.Equal($"arn:aws:iam::000000000000:group/teams/{user}-readers", seen.GetProperty("group").GetProperty("Arn").GetString());
        AssertError(seen, "before", "AccessDenied", 403);
        Assert.Equal("hello", seen.GetProperty("member_get").GetString());
        Assert.Equal(["a.txt"], seen.GetProperty("member_list").EnumerateArray().Select(e => e.GetString()));
        AssertError(seen, "member_put", "AccessDenied", 403);
        Assert.Equal([user, user + "-idle"], seen.GetProperty("members").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([user + "-readers"], seen.GetProperty("groups_of_user").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([user + "-readers"], seen.GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["read"], seen.GetProperty("policies").EnumerateArray().Select(e => e.GetString()));
        Assert.True(seen.GetProperty("policy_roundtrip").GetBoolean());
        AssertError(seen, "delete_group_with_members", "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.");
        AssertError(seen, "delete_member_user", "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.");
        AssertError(seen, "after_leaving", "AccessDenied", 403);
        AssertError(seen, "remove_again", "NoSuchEntity", 404);
        AssertError(seen, "delete_group_with_policy", "DeleteConflict", 409, "Cannot delete entity, must delete policies first.");
        AssertError(seen, "gone", "NoSuchEntity", 404, $"The group with name {user}-readers cannot be found.");
    }

    [Fact]
    public async Task Trust_policies_decide_AssumeRole_with_their_conditions_deny_and_delegation_to_the_account()
    {
        var user = "trust-" + Guid.NewGuid().ToString("N")[..8];
        var seen = await PythonAsync("""
            user = os.environ['IAM_USER']
            arn = iam.create_user(UserName=user)['User']['Arn']
            sts = client_as('sts', iam.create_access_key(UserName=user)['AccessKey'])
            def trust(*statements):
                return json.dumps({'Version': '2012-10-17', 'Statement': list(statements)})
            def assume(role_arn, **kw):
                return sts.assume_role(RoleArn=role_arn, RoleSessionName='s1', **kw)['AssumedRoleUser']['Arn']
            external = iam.create_role(RoleName=user + '-ext', AssumeRolePolicyDocument=trust({'Effect': 'Allow', 'Principal': {'AWS': arn},
                'Action': 'sts:AssumeRole', 'Condition': {'StringEquals': {'sts:ExternalId': 'ext-' + user}}}))['Role']['Arn']
            r = {'no_external_id': code(lambda: assume(external)),
                 'wrong_external_id': code(lambda: assume(external, ExternalId='wrong-id')),
                 'right_external_id': assume(external, ExternalId='ext-' + user)}
            account = {'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::000000000000:root'}, 'Action': 'sts:AssumeRole'}
            delegated = iam.create_role(RoleName=user + '-acct', AssumeRolePolicyDocument=trust(account))['Role']['Arn']
            r['account_without_identity_policy'] = code(lambda: assume(delegated))
            iam.put_user_policy(UserName=user, PolicyName='assume', PolicyDocument=json.dumps(
                {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Resource': delegated}]}))
            r['account_with_identity_policy'] = assume(delegated)
            r['identity_policy_names_one_role'] = code(lambda: assume(external))
            denying = trust(account, {'Effect': 'Deny', 'Principal': {'AWS': arn}, 'Action': 'sts:AssumeRole'})
            iam.update_assume_role_policy(RoleName=user + '-acct', PolicyDocument=denying)
            r['deny_after_update'] = code(lambda: assume(delegated))
            r['stored_trust'] = iam.get_role(RoleName=user + '-acct')['Role']['AssumeRolePolicyDocument'] == json.loads(denying)
            r['trust_with_resource'] = code(lambda: iam.create_role(RoleName=user + '-bad', AssumeRolePolicyDocument=trust(dict(account, Resource='*'))))
            r['trust_with_s3_action'] = code(lambda: iam.update_assume_role_policy(RoleName=user + '-acct', PolicyDocument=trust(dict(account, Action='s3:GetObject'))))
            r['trust_naming_a_pattern'] = code(lambda: iam.create_role(RoleName=user + '-bad', AssumeRolePolicyDocument=trust(dict(account, Principal={'AWS': 'arn:aws:iam::000000000000:user/*'}))))
            out(r)
            """, user);

        var session = "arn:aws:sts::000000000000:assumed-role/{0}/s1";
        var denied = $"User: arn:aws:iam::000000000000:user/{user} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/";
        AssertError(seen, "no_external_id", "AccessDenied", 403, denied + user + "-ext");
        AssertError(seen, "wrong_external_id", "AccessDenied", 403);
        Assert.Equal(string.Format(session, user + "-ext"), seen.GetProperty("right_external_id").GetString());
        AssertError(seen, "account_without_identity_policy", "AccessDenied", 403, denied + user + "-acct");
        Assert.Equal(string.Format(session, user + "-acct"), seen.GetProperty("account_with_identity_policy").GetString());
        AssertError(seen, "identity_policy_names_one_role", "AccessDenied", 403);
        AssertError(seen, "deny_after_update", "AccessDenied", 403);
        Assert.True(seen.GetProperty("stored_trust").GetBoolean());
        AssertError(seen, "trust_with_resource", "MalformedPolicyDocument", 400, "Has prohibited field Resource");
        AssertError(seen, "trust_with_s3_action", "MalformedPolicyDocument", 400, "AssumeRole policy may only specify STS AssumeRole actions.");
        AssertError(seen, "trust_naming_a_pattern", "MalformedPolicyDocument", 400,
            "Invalid principal in policy: \"AWS\":\"arn:aws:iam::000000000000:user/*\"");
    }

    /// <summary>
    /// botocore takes ResponseMetadata.RequestId from the body (IAM's and STS's query protocol): it must be the
    /// x-amz-request-id header's id, S3's 16 hex digits, for successes and errors of both APIs, and the id the audit log
    /// recorded the call under.
    /// </summary>
    [Fact]
    public async Task Iam_and_sts_answers_name_their_request_in_the_body_and_the_header_as_the_audit_log_does()
    {
        var user = "rid-" + Guid.NewGuid().ToString("N")[..8];
        var seen = await PythonAsync("""
            sts = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1', config=config)
            def ids(meta):
                return [meta['RequestId'], meta['HTTPHeaders'].get('x-amz-request-id'), meta['HTTPStatusCode']]
            def failed(f):
                try:
                    f()
                except ClientError as e:
                    return ids(e.response['ResponseMetadata']) + [e.response['Error']['Code']]
            user = os.environ['IAM_USER']
            out({
                'created': ids(iam.create_user(UserName=user)['ResponseMetadata']),
                'missing': failed(lambda: iam.get_user(UserName=user + '-absent')),
                'caller': ids(sts.get_caller_identity()['ResponseMetadata']),
                'refused': failed(lambda: sts.assume_role(RoleArn='arn:aws:iam::000000000000:role/' + user + '-absent', RoleSessionName='session')),
                'deleted': ids(iam.delete_user(UserName=user)['ResponseMetadata']),
            })
            """, user);

        var byName = new Dictionary<string, string>();
        foreach (var (name, status, code) in new[] { ("created", 200, null), ("missing", 404, "NoSuchEntity"), ("caller", 200, null),
            ("refused", 403, "AccessDenied"), ("deleted", 200, null) })
        {
            var call = seen.GetProperty(name);
            Assert.True(call.ValueKind == JsonValueKind.Array, $"{name}: {call}");
            var (body, header) = (call[0].GetString()!, call[1].GetString());
            Assert.Matches("^[0-9A-F]{16}$", body);
            Assert.Equal(body, header);
            Assert.Equal(status, call[2].GetInt32());
            if (code is not null) Assert.Equal(code, call[3].GetString());
            byName[name] = body;
        }
        Assert.Equal(byName.Count, byName.Values.Distinct().Count());

        // The audit log keeps every IAM and STS call under the same id.
        using var http = new SignedHttp(fixture.Server);
        using var audit = await http.SendAsync(HttpMethod.Get, "/_cairn/admin/v1/audit?limit=1000");
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        using var answer = JsonDocument.Parse(await audit.Content.ReadAsStringAsync());
        var recorded = answer.RootElement.GetProperty("entries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("requestId").GetString()!, e => (Api: e.GetProperty("api").GetString(), Action: e.GetProperty("action").GetString()));
        Assert.Equal(("iam", "CreateUser"), recorded[byName["created"]]);
        Assert.Equal(("iam", "GetUser"), recorded[byName["missing"]]);
        Assert.Equal(("sts", "GetCallerIdentity"), recorded[byName["caller"]]);
        Assert.Equal(("sts", "AssumeRole"), recorded[byName["refused"]]);
        Assert.Equal(("iam", "DeleteUser"), recorded[byName["deleted"]]);
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
