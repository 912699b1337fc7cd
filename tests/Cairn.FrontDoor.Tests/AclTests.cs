using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Object Ownership and ACLs through AWSSDK.S3 and raw signed requests: BucketOwnerEnforced by default (ACLs disabled,
/// reads answer the owner's FULL_CONTROL, only owner-only ACLs are taken), and with ACLs enabled canned ACLs, grant
/// headers and AccessControlPolicy documents round-trip on buckets and on each object version.
/// </summary>
public sealed class AclTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    private const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task Ownership_controls_default_to_BucketOwnerEnforced_and_round_trip_until_deleted()
    {
        var bucket = await fixture.NewBucketAsync("own");
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipAsync(bucket));

        await SetOwnershipAsync(bucket, ObjectOwnership.ObjectWriter);
        Assert.Equal(ObjectOwnership.ObjectWriter, await OwnershipAsync(bucket));
        await SetOwnershipAsync(bucket, ObjectOwnership.BucketOwnerPreferred);
        Assert.Equal(ObjectOwnership.BucketOwnerPreferred, await OwnershipAsync(bucket));

        await S3.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = bucket });
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => OwnershipAsync(bucket));
        Assert.Equal(("OwnershipControlsNotFoundError", HttpStatusCode.NotFound), (missing.ErrorCode, missing.StatusCode));
    }

    [Fact]
    public async Task Ownership_controls_that_are_not_one_known_rule_are_MalformedXML()
    {
        var bucket = await fixture.NewBucketAsync("own-bad");
        using var http = new SignedHttp(fixture.Server);
        foreach (var body in new[]
                 {
                     "<OwnershipControls><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>",
                     "<OwnershipControls></OwnershipControls>",
                     "<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>",
                 })
        {
            using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?ownershipControls", SignedHttp.Xml(body));
            Assert.Equal((400, "MalformedXML"), await SignedHttp.ErrorOf(response));
        }
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipAsync(bucket));
    }

    [Fact]
    public async Task With_ACLs_disabled_a_public_ACL_is_refused_and_bucket_owner_full_control_accepted()
    {
        var bucket = await fixture.NewBucketAsync("enforced");
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));
        Assert.Equal(("AccessControlListNotSupported", HttpStatusCode.BadRequest), (refused.ErrorCode, refused.StatusCode));
        Assert.Equal("The bucket does not allow ACLs", refused.Message);

        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.BucketOwnerFullControl });
        var acl = await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal([(null, OwnerId(acl.Owner), "FULL_CONTROL")], Grants(acl.Grants));

        // Setting an ACL is refused; the owner-only one is the only one a bucket without ACLs takes.
        var putAcl = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            S3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", putAcl.ErrorCode);
        var putBucketAcl = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", putBucketAcl.ErrorCode);
        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });

        var bucketAcl = await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal([(null, OwnerId(bucketAcl.Owner), "FULL_CONTROL")], Grants(bucketAcl.Grants));
    }

    [Fact]
    public async Task An_ACL_a_bucket_takes_while_enabled_is_answered_as_the_owners_FULL_CONTROL_once_ACLs_are_disabled()
    {
        var bucket = await AclBucketAsync("switch", ObjectOwnership.ObjectWriter);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
        Assert.Equal(2, (await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Grants.Count);

        await SetOwnershipAsync(bucket, ObjectOwnership.BucketOwnerEnforced);
        var disabled = await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal([(null, OwnerId(disabled.Owner), "FULL_CONTROL")], Grants(disabled.Grants));
    }

    [Fact]
    public async Task BucketOwnerEnforced_is_refused_over_a_bucket_ACL_that_grants_others_anything()
    {
        var bucket = await AclBucketAsync("bpub", ObjectOwnership.BucketOwnerPreferred);
        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead });
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => SetOwnershipAsync(bucket, ObjectOwnership.BucketOwnerEnforced));
        Assert.Equal(("InvalidBucketAclWithObjectOwnership", HttpStatusCode.BadRequest), (refused.ErrorCode, refused.StatusCode));

        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
        await SetOwnershipAsync(bucket, ObjectOwnership.BucketOwnerEnforced);
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipAsync(bucket));
    }

    [Fact]
    public async Task CreateBucket_with_an_ACL_and_ACLs_disabled_is_InvalidBucketAclWithObjectOwnership_and_private_alone_enables_them()
    {
        var enforced = ServerFixture.NewBucketName("cb");
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = enforced, ObjectOwnership = ObjectOwnership.BucketOwnerEnforced, CannedACL = S3CannedACL.PublicRead,
        }));
        Assert.Equal(("InvalidBucketAclWithObjectOwnership", HttpStatusCode.BadRequest), (refused.ErrorCode, refused.StatusCode));
        Assert.False(await ExistsAsync(enforced));

        // "private" asks for nothing a bucket does not have: S3 creates the bucket, with ACLs enabled (BucketOwnerPreferred).
        var withPrivate = ServerFixture.NewBucketName("cb");
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = withPrivate, CannedACL = S3CannedACL.Private });
        Assert.Equal(ObjectOwnership.BucketOwnerPreferred, await OwnershipAsync(withPrivate));

        var publicRead = ServerFixture.NewBucketName("cb");
        await S3.PutBucketAsync(new PutBucketRequest { BucketName = publicRead, ObjectOwnership = ObjectOwnership.ObjectWriter, CannedACL = S3CannedACL.PublicRead });
        var acl = await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = publicRead });
        Assert.Equal([(null, OwnerId(acl.Owner), "FULL_CONTROL"), (AllUsers, null, "READ")], Grants(acl.Grants));

        using var http = new SignedHttp(fixture.Server);
        var bad = ServerFixture.NewBucketName("cb");
        using var response = await http.SendAsync(HttpMethod.Put, "/" + bad, configure: r => r.Headers.TryAddWithoutValidation("x-amz-object-ownership", "Everyone"));
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
        Assert.False(await ExistsAsync(bad));
    }

    [Fact]
    public async Task Canned_ACLs_and_grants_round_trip_on_each_object_version()
    {
        var bucket = await AclBucketAsync("obj", ObjectOwnership.ObjectWriter, versioned: true);
        var first = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "1", CannedACL = S3CannedACL.PublicRead });
        var second = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "2" });

        var owner = OwnerId((await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Owner);
        Assert.Equal([(null, owner, "FULL_CONTROL")], await ObjectGrantsAsync(bucket, "k", null));
        Assert.Equal([(null, owner, "FULL_CONTROL"), (AllUsers, null, "READ")], await ObjectGrantsAsync(bucket, "k", first.VersionId));

        // Grants headers on the older version only; the current one keeps its own.
        await S3.PutObjectAclAsync(new PutObjectAclRequest
        {
            BucketName = bucket, Key = "k", VersionId = first.VersionId, GrantRead = $"uri=\"{AuthenticatedUsers}\"", GrantFullControl = $"id=\"{owner}\"",
        });
        Assert.Equal([(AuthenticatedUsers, null, "READ"), (null, owner, "FULL_CONTROL")], await ObjectGrantsAsync(bucket, "k", first.VersionId));
        Assert.Equal([(null, owner, "FULL_CONTROL")], await ObjectGrantsAsync(bucket, "k", second.VersionId));

        // An AccessControlPolicy document, as the SDK writes it.
        var policy = new S3AccessControlList { Owner = new Owner { Id = owner }, Grants = [] };
        policy.AddGrant(new S3Grantee { CanonicalUser = owner }, S3Permission.FULL_CONTROL);
        policy.AddGrant(new S3Grantee { URI = AllUsers }, S3Permission.READ_ACP);
        await S3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = policy });
        Assert.Equal([(null, owner, "FULL_CONTROL"), (AllUsers, null, "READ_ACP")], await ObjectGrantsAsync(bucket, "k", null));
    }

    [Fact]
    public async Task Multipart_uploads_carry_their_ACL_and_copies_take_their_own()
    {
        var bucket = await AclBucketAsync("mpu", ObjectOwnership.BucketOwnerPreferred);
        var upload = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "m", CannedACL = S3CannedACL.AuthenticatedRead });
        var part = await S3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "m", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("part"u8.ToArray()),
        });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "m", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        var owner = OwnerId((await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "m" })).Owner);
        Assert.Equal([(null, owner, "FULL_CONTROL"), (AuthenticatedUsers, null, "READ")], await ObjectGrantsAsync(bucket, "m", null));

        // S3 copies no ACL: a copy is private unless its own request says otherwise.
        await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "m", DestinationBucket = bucket, DestinationKey = "plain" });
        Assert.Equal([(null, owner, "FULL_CONTROL")], await ObjectGrantsAsync(bucket, "plain", null));
        await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "m", DestinationBucket = bucket, DestinationKey = "public", CannedACL = S3CannedACL.PublicReadWrite,
        });
        Assert.Equal([(null, owner, "FULL_CONTROL"), (AllUsers, null, "READ"), (AllUsers, null, "WRITE")], await ObjectGrantsAsync(bucket, "public", null));
    }

    [Fact]
    public async Task Bucket_ACLs_round_trip_through_canned_ACLs_grants_and_documents()
    {
        var bucket = await AclBucketAsync("bkt", ObjectOwnership.ObjectWriter);
        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.LogDeliveryWrite });
        var acl = await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        var owner = OwnerId(acl.Owner);
        const string logDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";
        Assert.Equal([(null, owner, "FULL_CONTROL"), (logDelivery, null, "WRITE"), (logDelivery, null, "READ_ACP")], Grants(acl.Grants));

        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, GrantWrite = $"uri=\"{AllUsers}\", uri=\"{AuthenticatedUsers}\"" });
        Assert.Equal([(AllUsers, null, "WRITE"), (AuthenticatedUsers, null, "WRITE")], Grants((await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Grants));

        var policy = new S3AccessControlList { Owner = new Owner { Id = owner }, Grants = [] };
        policy.AddGrant(new S3Grantee { CanonicalUser = owner }, S3Permission.READ);
        await S3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, AccessControlPolicy = policy });
        Assert.Equal([(null, owner, "READ")], Grants((await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Grants));
    }

    [Theory]
    [InlineData("x-amz-grant-read", "uri=http://example.com/group", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-read", "nonsense", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-read", "id=", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-read", "id=\"0123456789abcdef\"", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-read", "flavour=\"vanilla\"", 400, "InvalidArgument")]
    [InlineData("x-amz-grant-write", "emailAddress=\"someone@example.com\"", 400, "UnresolvableGrantByEmailAddress")]
    [InlineData("x-amz-acl", "everyone", 400, "InvalidArgument")]
    public async Task Malformed_grant_headers_are_refused_with_S3s_errors(string header, string value, int status, string code)
    {
        var bucket = await AclBucketAsync("hdr", ObjectOwnership.ObjectWriter);
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k", SignedHttp.Bytes("x"u8.ToArray()), r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(put));
        using var head = await http.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using var putAcl = await http.SendAsync(HttpMethod.Put, $"/{bucket}?acl", configure: r => r.Headers.TryAddWithoutValidation(header, value));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(putAcl));
    }

    [Fact]
    public async Task A_canned_ACL_with_grants_a_document_with_headers_or_nothing_at_all_is_refused()
    {
        var bucket = await AclBucketAsync("mix", ObjectOwnership.ObjectWriter);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var http = new SignedHttp(fixture.Server);
        using (var both = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?acl", configure: r =>
               {
                   r.Headers.TryAddWithoutValidation("x-amz-acl", "public-read");
                   r.Headers.TryAddWithoutValidation("x-amz-grant-read", $"uri=\"{AllUsers}\"");
               }))
            Assert.Equal((400, "InvalidRequest"), await SignedHttp.ErrorOf(both));
        var owner = OwnerId((await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" })).Owner);
        using (var bodyAndHeader = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?acl", SignedHttp.Xml(Policy(owner, "CanonicalUser", $"<ID>{owner}</ID>")),
                   r => r.Headers.TryAddWithoutValidation("x-amz-acl", "public-read")))
            Assert.Equal((400, "UnexpectedContent"), await SignedHttp.ErrorOf(bodyAndHeader));
        using (var nothing = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?acl"))
            Assert.Equal((400, "MissingSecurityHeader"), await SignedHttp.ErrorOf(nothing));
        Assert.Equal([(null, owner, "FULL_CONTROL")], await ObjectGrantsAsync(bucket, "k", null));
    }

    [Theory]
    [InlineData("Nobody", "<ID>x</ID>", 400, "MalformedACLError")]
    [InlineData("Group", "<URI>http://example.com/group</URI>", 400, "InvalidArgument")]
    [InlineData("CanonicalUser", "<ID>someone-else</ID>", 400, "InvalidArgument")]
    [InlineData("AmazonCustomerByEmail", "<EmailAddress>someone@example.com</EmailAddress>", 400, "UnresolvableGrantByEmailAddress")]
    public async Task AccessControlPolicy_documents_S3_would_not_take_are_refused(string type, string grantee, int status, string code)
    {
        var bucket = await AclBucketAsync("doc", ObjectOwnership.ObjectWriter);
        var owner = OwnerId((await S3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Owner);
        using var http = new SignedHttp(fixture.Server);
        using var response = await http.SendAsync(HttpMethod.Put, $"/{bucket}?acl", SignedHttp.Xml(Policy(owner, type, grantee)));
        Assert.Equal((status, code), await SignedHttp.ErrorOf(response));
        using var wrongRoot = await http.SendAsync(HttpMethod.Put, $"/{bucket}?acl", SignedHttp.Xml("<AccessControlList/>"));
        Assert.Equal((400, "MalformedACLError"), await SignedHttp.ErrorOf(wrongRoot));
    }

    [Fact]
    public async Task A_delete_marker_has_no_ACL_to_get_or_put()
    {
        var bucket = await AclBucketAsync("dm", ObjectOwnership.ObjectWriter, versioned: true);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await S3.DeleteObjectAsync(bucket, "k");
        using var http = new SignedHttp(fixture.Server);
        using (var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/k?acl"))
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(get));
        using (var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}/k?acl", configure: r => r.Headers.TryAddWithoutValidation("x-amz-acl", "public-read")))
            Assert.Equal((405, "MethodNotAllowed"), await SignedHttp.ErrorOf(put));
    }

    [Fact]
    public async Task A_public_read_object_is_readable_anonymously_a_private_one_is_not_and_IgnorePublicAcls_turns_that_off()
    {
        var bucket = await AclBucketAsync("anon", ObjectOwnership.ObjectWriter);
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "pub", ContentBody = "public bytes", CannedACL = S3CannedACL.PublicRead });
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "priv", ContentBody = "private bytes" });
        using var http = new SignedHttp(fixture.Server);
        async Task<HttpStatusCode> AnonymousGetAsync(string key)
        {
            using var response = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Get, http.Url($"/{bucket}/{key}")));
            return response.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync("pub"));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync("priv"));

        await S3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket, PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { IgnorePublicAcls = true },
        });
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync("pub"));

        // BlockPublicAcls refuses a PUT of a public ACL (403), and lets a private one through.
        await S3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket, PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = true },
        });
        var blocked = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            S3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "priv", ACL = S3CannedACL.PublicRead }));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (blocked.ErrorCode, blocked.StatusCode));
        await S3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "priv", ACL = S3CannedACL.Private });
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync("pub"));
    }

    private static string Policy(string owner, string type, string grantee) => $"""
        <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>{owner}</ID></Owner><AccessControlList>
        <Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="{type}">{grantee}</Grantee><Permission>READ</Permission></Grant>
        </AccessControlList></AccessControlPolicy>
        """;

    private async Task<string> AclBucketAsync(string hint, ObjectOwnership ownership, bool versioned = false)
    {
        var bucket = await fixture.NewBucketAsync(hint, versioned);
        await SetOwnershipAsync(bucket, ownership);
        // New buckets block public ACLs: these tests set them.
        await S3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        return bucket;
    }

    private Task SetOwnershipAsync(string bucket, ObjectOwnership ownership) =>
        S3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket, OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ownership }] },
        });

    private async Task<ObjectOwnership> OwnershipAsync(string bucket) =>
        (await S3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket })).OwnershipControls.Rules.Single().ObjectOwnership;

    private async Task<bool> ExistsAsync(string bucket)
    {
        using var http = new SignedHttp(fixture.Server);
        using var head = await http.SendAsync(HttpMethod.Head, "/" + bucket);
        return head.StatusCode == HttpStatusCode.OK;
    }

    private async Task<List<(string? Uri, string? Id, string Permission)>> ObjectGrantsAsync(string bucket, string key, string? versionId) =>
        Grants((await S3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = key, VersionId = versionId })).Grants);

    private static string OwnerId(Owner owner)
    {
        Assert.False(string.IsNullOrEmpty(owner.Id));
        return owner.Id;
    }

    private static List<(string? Uri, string? Id, string Permission)> Grants(List<S3Grant>? grants) =>
        [.. (grants ?? []).Select(g => (g.Grantee.URI, g.Grantee.CanonicalUser, g.Permission.Value))];
}
