using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Acl;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Tests;

/// <summary>The ACL evaluator, the operation-to-permission mapping and the parsing of ACL headers, without a server.</summary>
public sealed class AclEvaluatorTests
{
    private const string Owner = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static readonly Principal Root = Principal.Root(Owner);
    private static readonly Principal User =
        new(PrincipalKind.User, $"arn:aws:iam::{Principal.AccountId}:user/alice", Identity.CanonicalIds.OfUser("AIDAALICE")) { Name = "alice", UserId = "AIDAALICE" };

    [Theory]
    [InlineData("private", AclPermission.READ, false, false)]
    [InlineData("public-read", AclPermission.READ, true, true)]
    [InlineData("public-read", AclPermission.WRITE, false, false)]
    [InlineData("public-read-write", AclPermission.WRITE, true, true)]
    [InlineData("public-read-write", AclPermission.READ_ACP, false, false)]
    [InlineData("authenticated-read", AclPermission.READ, false, true)]
    public void Canned_ACLs_grant_the_public_groups_what_S3_says_and_the_owner_everything(string canned, AclPermission permission, bool anonymous, bool user)
    {
        var acl = AclHeaders.Canned(canned, Owner, AclTarget.Object);
        Assert.Equal(anonymous, AclEvaluator.Grants(acl, Principal.Anonymous, permission));
        Assert.Equal(user, AclEvaluator.Grants(acl, User, permission));
        Assert.True(AclEvaluator.Grants(acl, Root, permission));
    }

    [Fact]
    public void The_owners_grant_is_the_roots_and_FULL_CONTROL_holds_every_permission()
    {
        var acl = AccessControlList.Private(Owner);
        foreach (var permission in Enum.GetValues<AclPermission>())
        {
            Assert.True(AclEvaluator.Grants(acl, Root, permission));
            // IAM users act through policies; the account's canonical grant is not theirs.
            Assert.False(AclEvaluator.Grants(acl, User, permission));
            Assert.False(AclEvaluator.Grants(acl, Principal.Anonymous, permission));
        }
        var readOnly = new AccessControlList { Owner = Owner, Grants = [new AclGrant(AclGrantee.User(Owner), AclPermission.READ)] };
        Assert.True(AclEvaluator.Grants(readOnly, Root, AclPermission.READ));
        Assert.False(AclEvaluator.Grants(readOnly, Root, AclPermission.WRITE));
    }

    [Fact]
    public void A_grant_to_a_users_own_canonical_id_is_that_users_alone()
    {
        var acl = new AccessControlList { Owner = Owner, Grants = [new AclGrant(AclGrantee.User(User.CanonicalId), AclPermission.READ)] };
        Assert.True(AclEvaluator.Grants(acl, User, AclPermission.READ));
        Assert.False(AclEvaluator.Grants(acl, User, AclPermission.WRITE));
        Assert.False(AclEvaluator.Grants(acl, Root, AclPermission.READ));
        var bob = User with { Arn = $"arn:aws:iam::{Principal.AccountId}:user/bob", CanonicalId = Identity.CanonicalIds.OfUser("AIDABOB") };
        Assert.False(AclEvaluator.Grants(acl, bob, AclPermission.READ));
        // An assumed-role session acts through policies only, whatever id it carries.
        var session = new Principal(PrincipalKind.AssumedRole, $"arn:aws:sts::{Principal.AccountId}:assumed-role/r/s", User.CanonicalId);
        Assert.False(AclEvaluator.Grants(acl, session, AclPermission.READ));
    }

    [Fact]
    public void IgnorePublicAcls_makes_grants_to_the_public_groups_count_for_nothing()
    {
        var acl = AclHeaders.Canned("public-read-write", Owner, AclTarget.Bucket);
        Assert.True(AclEvaluator.Grants(acl, Principal.Anonymous, AclPermission.READ));
        Assert.False(AclEvaluator.Grants(acl, Principal.Anonymous, AclPermission.READ, ignorePublic: true));
        Assert.False(AclEvaluator.Grants(acl, User, AclPermission.WRITE, ignorePublic: true));
        Assert.True(AclEvaluator.Grants(acl, Root, AclPermission.WRITE, ignorePublic: true));
    }

    [Fact]
    public void LogDelivery_grants_no_requester_here()
    {
        var acl = AclHeaders.Canned("log-delivery-write", Owner, AclTarget.Bucket);
        Assert.False(AclEvaluator.Grants(acl, User, AclPermission.WRITE));
        Assert.False(AclEvaluator.Grants(acl, Principal.Anonymous, AclPermission.READ_ACP));
    }

    [Theory]
    [InlineData("s3:GetObject", AclTarget.Object, AclPermission.READ)]
    [InlineData("s3:GetObjectVersion", AclTarget.Object, AclPermission.READ)]
    [InlineData("s3:GetObjectAcl", AclTarget.Object, AclPermission.READ_ACP)]
    [InlineData("s3:PutObjectVersionAcl", AclTarget.Object, AclPermission.WRITE_ACP)]
    [InlineData("s3:ListBucket", AclTarget.Bucket, AclPermission.READ)]
    [InlineData("s3:ListBucketVersions", AclTarget.Bucket, AclPermission.READ)]
    [InlineData("s3:ListBucketMultipartUploads", AclTarget.Bucket, AclPermission.READ)]
    [InlineData("s3:PutObject", AclTarget.Bucket, AclPermission.WRITE)]
    [InlineData("s3:DeleteObject", AclTarget.Bucket, AclPermission.WRITE)]
    [InlineData("s3:GetBucketAcl", AclTarget.Bucket, AclPermission.READ_ACP)]
    [InlineData("s3:PutBucketAcl", AclTarget.Bucket, AclPermission.WRITE_ACP)]
    public void Actions_need_the_permission_AWS_maps_them_to(string action, AclTarget target, AclPermission permission) =>
        Assert.Equal((target, permission), AclPermissions.For(action));

    [Theory]
    [InlineData("s3:PutBucketOwnershipControls")]
    [InlineData("s3:DeleteBucket")]
    [InlineData("s3:PutLifecycleConfiguration")]
    [InlineData("s3:PutObjectRetention")]
    public void Configuration_is_for_the_owner_and_no_grant_allows_it(string action) => Assert.Null(AclPermissions.For(action));

    [Fact]
    public void Grant_headers_list_grantees_with_or_without_quotes()
    {
        var acl = AclHeaders.Read(Headers(("x-amz-grant-read", $"uri={AclGrantee.AllUsers}, id=\"{Owner}\""), ("x-amz-grant-write-acp", $"uri=\"{AclGrantee.LogDelivery}\"")),
            Owner, AclTarget.Object)!;
        Assert.Equal(
            [new AclGrant(AclGrantee.Group(AclGrantee.AllUsers), AclPermission.READ), new AclGrant(AclGrantee.User(Owner), AclPermission.READ),
             new AclGrant(AclGrantee.Group(AclGrantee.LogDelivery), AclPermission.WRITE_ACP)],
            acl.Grants);
        Assert.Null(AclHeaders.Read(Headers(), Owner, AclTarget.Object));
    }

    [Theory]
    [InlineData("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/Everyone\"", "InvalidArgument")]
    [InlineData("x-amz-grant-read", "id", "InvalidArgument")]
    [InlineData("x-amz-grant-read", "=abc", "InvalidArgument")]
    [InlineData("x-amz-grant-read", "id=\"a\"b\"", "InvalidArgument")]
    [InlineData("x-amz-grant-read", "id=\"someone-else\"", "InvalidArgument")]
    [InlineData("x-amz-grant-full-control", "emailAddress=\"a@example.com\"", "UnresolvableGrantByEmailAddress")]
    [InlineData("x-amz-acl", "publicread", "InvalidArgument")]
    [InlineData("x-amz-acl", "aws-exec-read", "NotImplemented")]
    public void Malformed_ACL_headers_are_S3s_errors(string header, string value, string code)
    {
        var e = Assert.Throws<S3Exception>(() => AclHeaders.Read(Headers((header, value)), Owner, AclTarget.Object));
        Assert.Equal(code, e.Code.Code);
    }

    [Fact]
    public void A_canned_ACL_and_grants_together_are_InvalidRequest()
    {
        var e = Assert.Throws<S3Exception>(() =>
            AclHeaders.Read(Headers(("x-amz-acl", "private"), ("x-amz-grant-read", $"uri=\"{AclGrantee.AllUsers}\"")), Owner, AclTarget.Object));
        Assert.Equal(("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed"), (e.Code.Code, e.Message));
    }

    [Fact]
    public void Owner_only_ACLs_are_what_a_bucket_with_ACLs_disabled_takes()
    {
        Assert.True(AclHeaders.Canned("bucket-owner-full-control", Owner, AclTarget.Object).GrantsOnlyTo(Owner));
        Assert.True(AclHeaders.Canned("private", Owner, AclTarget.Object).GrantsOnlyTo(Owner));
        Assert.False(AclHeaders.Canned("authenticated-read", Owner, AclTarget.Object).GrantsOnlyTo(Owner));
        Assert.True(AclHeaders.Canned("public-read", Owner, AclTarget.Object).IsPublic);
        Assert.False(AclHeaders.Canned("log-delivery-write", Owner, AclTarget.Bucket).IsPublic);
    }

    private static HeaderDictionary Headers(params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers) dictionary[name] = value;
        return dictionary;
    }
}
