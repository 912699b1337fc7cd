using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.FrontDoor.Identity;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Who may do what, past the basics of BucketPolicyTests: a bucket policy's explicit Deny binds the account's root
/// (but never keeps it from managing the policy), s3:ExistingObjectTag and s3:RequestObjectTag conditions, and ACL grants
/// to an IAM user's own canonical id.
/// </summary>
public sealed class AuthorizationTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task An_explicit_deny_binds_the_root_but_never_keeps_it_from_managing_the_bucket_policy()
    {
        var bucket = await fixture.NewBucketAsync("rootdeny");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a" });
        await BucketPolicies.PutAsync(fixture.Server, bucket, Policy(
            $$"""{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}"""));
        using var root = new SignedHttp(fixture.Server);

        Assert.Equal((403, "AccessDenied"), await ErrorAsync(root, HttpMethod.Get, $"/{bucket}/a"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(root, HttpMethod.Put, $"/{bucket}/b", SignedHttp.Bytes("b"u8.ToArray())));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(root, HttpMethod.Get, $"/{bucket}?list-type=2"));
        // Denied s3:ListBucket too, the root may not learn that a key is missing.
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(root, HttpMethod.Get, $"/{bucket}/missing"));

        // The lockout escape: the root may always read, replace and delete the policy.
        using (var get = await root.SendAsync(HttpMethod.Get, $"/{bucket}?policy"))
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var deleteOnly = Policy($$"""{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{bucket}}/*"}""");
        using (var put = await root.SendAsync(HttpMethod.Put, $"/{bucket}?policy", new StringContent(deleteOnly, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var read = await root.SendAsync(HttpMethod.Get, $"/{bucket}/a"))
            Assert.Equal((HttpStatusCode.OK, "a"), (read.StatusCode, await read.Content.ReadAsStringAsync()));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(root, HttpMethod.Delete, $"/{bucket}/a"));
        using (var delete = await root.SendAsync(HttpMethod.Delete, $"/{bucket}?policy"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var removed = await root.SendAsync(HttpMethod.Delete, $"/{bucket}/a"))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
    }

    [Fact]
    public async Task A_policy_on_ExistingObjectTag_serves_objects_tagged_public_and_refuses_the_others()
    {
        var bucket = await fixture.NewBucketAsync("tagged");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "open", TagSet = [new Tag { Key = "classification", Value = "public" }] });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secret", ContentBody = "secret", TagSet = [new Tag { Key = "classification", Value = "internal" }] });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "plain" });
        await BucketPolicies.MakePublicAsync(fixture.Server, bucket, Policy(
            $$$$"""{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectTagging"],"Resource":"arn:aws:s3:::{{{{bucket}}}}/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/classification":"public"}}}"""));
        using var anonymous = new SignedHttp(fixture.Server);

        using (var open = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/open", sign: false))
            Assert.Equal((HttpStatusCode.OK, "open"), (open.StatusCode, await open.Content.ReadAsStringAsync()));
        using (var tags = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/open?tagging", sign: false))
            Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/secret", sign: false));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/plain", sign: false));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/absent", sign: false));

        // The tags are read when the request is authorized: retagging publishes the object.
        await S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket, Key = "secret", Tagging = new Tagging { TagSet = [new Tag { Key = "classification", Value = "public" }] },
        });
        using (var now = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/secret", sign: false))
            Assert.Equal((HttpStatusCode.OK, "secret"), (now.StatusCode, await now.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_user_may_put_objects_and_tags_only_with_RequestObjectTag_team_blue()
    {
        var bucket = await fixture.NewBucketAsync("reqtag");
        var user = await IamUser.CreateAsync(fixture.Server, "blue", Policy(
            $$$$"""{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],"Resource":"arn:aws:s3:::{{{{bucket}}}}/*","Condition":{"StringEquals":{"s3:RequestObjectTag/team":"blue"}}}"""));
        using var http = new SignedHttp(fixture.Server, user.AccessKeyId, user.SecretAccessKey);

        using (var blue = await http.SendAsync(HttpMethod.Put, $"/{bucket}/blue", SignedHttp.Bytes("b"u8.ToArray()), Tagging("team=blue")))
            Assert.Equal(HttpStatusCode.OK, blue.StatusCode);
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(http, HttpMethod.Put, $"/{bucket}/red", SignedHttp.Bytes("r"u8.ToArray()), Tagging("team=red")));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(http, HttpMethod.Put, $"/{bucket}/untagged", SignedHttp.Bytes("u"u8.ToArray())));

        // PutObjectTagging's tags are its body's.
        using (var retag = await http.SendAsync(HttpMethod.Put, $"/{bucket}/blue?tagging", SignedHttp.Xml(TagSet("team", "blue"))))
            Assert.Equal(HttpStatusCode.OK, retag.StatusCode);
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(http, HttpMethod.Put, $"/{bucket}/blue?tagging", SignedHttp.Xml(TagSet("team", "red"))));
        var tags = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "blue" });
        Assert.Equal([("team", "blue")], tags.Tagging.Select(t => (t.Key, t.Value)));
        Assert.False(await ExistsAsync(bucket, "red"));
    }

    [Fact]
    public async Task A_grant_to_an_IAM_users_canonical_id_lets_that_user_in_and_the_account_stays_the_owner()
    {
        var bucket = ServerFixture.NewBucketName("usergrant");
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectOwnership = ObjectOwnership.BucketOwnerPreferred });
        var reader = await IamUser.CreateAsync(fixture.Server, "reader");
        var other = await IamUser.CreateAsync(fixture.Server, "other");
        var readerId = CanonicalIds.OfUser(reader.UserId);
        Assert.Matches("^[0-9a-f]{64}$", readerId);
        var account = (await S3.ListBucketsAsync()).Owner.Id;
        Assert.NotEqual(account, readerId);

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "k" });
        await S3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", GrantRead = $"id=\"{readerId}\"", GrantFullControl = $"id=\"{account}\"" });
        using (var readerHttp = new SignedHttp(fixture.Server, reader.AccessKeyId, reader.SecretAccessKey))
        using (var read = await readerHttp.SendAsync(HttpMethod.Get, $"/{bucket}/k"))
            Assert.Equal((HttpStatusCode.OK, "k"), (read.StatusCode, await read.Content.ReadAsStringAsync()));
        using (var otherHttp = new SignedHttp(fixture.Server, other.AccessKeyId, other.SecretAccessKey))
            Assert.Equal((403, "AccessDenied"), await ErrorAsync(otherHttp, HttpMethod.Get, $"/{bucket}/k"));

        // A bucket WRITE grant lets the user upload; the object is still the account's.
        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, GrantWrite = $"id=\"{readerId}\"", GrantFullControl = $"id=\"{account}\"" });
        using (var readerHttp = new SignedHttp(fixture.Server, reader.AccessKeyId, reader.SecretAccessKey))
        using (var put = await readerHttp.SendAsync(HttpMethod.Put, $"/{bucket}/by-reader", SignedHttp.Bytes("r"u8.ToArray())))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var acl = await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "by-reader" });
        Assert.Equal(account, acl.Owner.Id);
        Assert.Equal(account, (await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Owner.Id);

        // An id that is no one's is InvalidArgument; an e-mail grantee is refused as S3 refuses one it cannot resolve.
        using var root = new SignedHttp(fixture.Server);
        Assert.Equal((400, "InvalidArgument"), await ErrorAsync(root, HttpMethod.Put, $"/{bucket}/k?acl", configure: Grant($"id=\"{new string('0', 64)}\"")));
        Assert.Equal((400, "UnresolvableGrantByEmailAddress"), await ErrorAsync(root, HttpMethod.Put, $"/{bucket}/k?acl", configure: Grant("emailAddress=\"someone@example.com\"")));
    }

    private static string Policy(params string[] statements) =>
        $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    private static string TagSet(string key, string value) =>
        $"<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>{key}</Key><Value>{value}</Value></Tag></TagSet></Tagging>";

    private static Action<HttpRequestMessage> Tagging(string tags) => r => r.Headers.TryAddWithoutValidation("x-amz-tagging", tags);

    private static Action<HttpRequestMessage> Grant(string grantee) => r => r.Headers.TryAddWithoutValidation("x-amz-grant-read", grantee);

    private async Task<bool> ExistsAsync(string bucket, string key)
    {
        try
        {
            await S3.GetObjectMetadataAsync(bucket, key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static async Task<(int Status, string? Code)> ErrorAsync(SignedHttp http, HttpMethod method, string path, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null, bool sign = true)
    {
        using var response = await http.SendAsync(method, path, content, configure, sign: sign);
        return await SignedHttp.ErrorOf(response);
    }
}
