using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// Bucket policies and Block Public Access against a real server: anonymous access only where a policy grants it,
/// Deny over Allow, conditions on the caller's address and the listing's prefix, S3's refusals of malformed and (while
/// blocked) public policies, GetBucketPolicyStatus.
/// </summary>
public sealed class BucketPolicyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private AmazonS3Client S3 => fixture.S3;

    [Fact]
    public async Task A_policy_granting_anonymous_read_of_public_serves_that_prefix_and_nothing_else()
    {
        var bucket = await NewBucketAsync();
        await PutTextAsync(bucket, "public/a.txt", "open");
        await PutTextAsync(bucket, "private/b.txt", "closed");
        using var anonymous = new SignedHttp(fixture.Server);
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/public/a.txt"));

        await BucketPolicies.MakePublicAsync(fixture.Server, bucket, Policy(
            $$"""{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/public/*"}"""));

        using (var open = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/public/a.txt", sign: false))
            Assert.Equal((HttpStatusCode.OK, "open"), (open.StatusCode, await open.Content.ReadAsStringAsync()));
        using (var head = await anonymous.SendAsync(HttpMethod.Head, $"/{bucket}/public/a.txt", sign: false))
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/private/b.txt"));
        // No s3:ListBucket: a missing key is not revealed.
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/public/missing.txt"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Put, $"/{bucket}/public/new.txt", SignedHttp.Bytes("x"u8.ToArray())));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Delete, $"/{bucket}/public/a.txt"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}?list-type=2"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}?policy"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, "/"));
        // The bucket's absence is public; the root still does everything.
        Assert.Equal((404, "NoSuchBucket"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{ServerFixture.NewBucketName("absent")}/public/a.txt"));
        Assert.Equal("closed", await ReadTextAsync(bucket, "private/b.txt"));
    }

    [Fact]
    public async Task An_explicit_deny_beats_an_allow_even_in_DeleteObjects()
    {
        var bucket = await NewBucketAsync();
        await BucketPolicies.MakePublicAsync(fixture.Server, bucket, Policy(
            $$"""{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}""",
            $$"""{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{bucket}}/keep/*"}"""));
        using var anonymous = new SignedHttp(fixture.Server);
        foreach (var key in new[] { "keep/a", "keep/b", "tmp/a" })
        {
            using var put = await anonymous.SendAsync(HttpMethod.Put, $"/{bucket}/{key}", SignedHttp.Bytes("x"u8.ToArray()), sign: false);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Delete, $"/{bucket}/keep/a"));
        using (var delete = await anonymous.SendAsync(HttpMethod.Delete, $"/{bucket}/tmp/a", sign: false))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        // The Deny names everyone: the account's root too.
        var result = (await Assert.ThrowsAsync<DeleteObjectsException>(() => S3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = [new KeyVersion { Key = "keep/b" }, new KeyVersion { Key = "tmp/b" }],
        }))).Response;
        Assert.Equal(("keep/b", "AccessDenied"), (Assert.Single(result.DeleteErrors).Key, result.DeleteErrors[0].Code));
        Assert.Equal("tmp/b", Assert.Single(result.DeletedObjects).Key);

        using var multi = await anonymous.SendAsync(HttpMethod.Post, $"/{bucket}?delete",
            RawXml.Body("<Delete><Object><Key>keep/a</Key></Object><Object><Key>tmp/gone</Key></Object></Delete>"), sign: false);
        var body = RawXml.Parse(await multi.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, multi.StatusCode);
        var error = Assert.Single(body.Elements(), e => e.Name.LocalName == "Error");
        Assert.Equal(("keep/a", "AccessDenied"), (RawXml.Child(error, "Key"), RawXml.Child(error, "Code")));
        Assert.Equal("tmp/gone", RawXml.Child(Assert.Single(body.Elements(), e => e.Name.LocalName == "Deleted"), "Key"));
        Assert.Equal("x", await ReadTextAsync(bucket, "keep/a"));
    }

    [Fact]
    public async Task SourceIp_and_prefix_conditions_decide_an_anonymous_listing()
    {
        var bucket = await NewBucketAsync();
        await PutTextAsync(bucket, "public/a.txt", "a");
        string Listing(string range) => Policy($$"""
            {"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{bucket}}",
             "Condition":{"StringLike":{"s3:prefix":"public/*"},"IpAddress":{"aws:SourceIp":"{{range}}"} } }
            """);
        await BucketPolicies.MakePublicAsync(fixture.Server, bucket, Listing("127.0.0.0/8"));
        using var anonymous = new SignedHttp(fixture.Server);
        using (var allowed = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}?list-type=2&prefix=public/", sign: false))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Contains("<Key>public/a.txt</Key>", await allowed.Content.ReadAsStringAsync());
        }
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}?list-type=2"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}?list-type=2&prefix=private/"));

        // The same grant from another network admits nobody here.
        await BucketPolicies.PutAsync(fixture.Server, bucket, Listing("10.0.0.0/8"));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}?list-type=2&prefix=public/"));
    }

    [Fact]
    public async Task Block_Public_Access_is_on_for_new_buckets_and_refuses_a_public_policy_until_turned_off()
    {
        var bucket = await NewBucketAsync();
        var block = (await S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        Assert.Equal((true, true, true, true), (block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets));

        var publicRead = Policy($$"""{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}""");
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.PutBucketPolicyAsync(bucket, publicRead));
        Assert.Equal(("AccessDenied", HttpStatusCode.Forbidden), (refused.ErrorCode, refused.StatusCode));
        Assert.Contains("BlockPublicPolicy", refused.Message);
        // A grant to the account is not public: accepted.
        await S3.PutBucketPolicyAsync(bucket, Policy(
            $$"""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}"""));

        await S3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }));
        Assert.Equal(("NoSuchPublicAccessBlockConfiguration", HttpStatusCode.NotFound), (gone.ErrorCode, gone.StatusCode));
        await S3.PutBucketPolicyAsync(bucket, publicRead);
        await PutTextAsync(bucket, "a.txt", "a");
        using var anonymous = new SignedHttp(fixture.Server);
        using (var open = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/a.txt", sign: false))
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);

        // RestrictPublicBuckets: the public policy no longer admits anyone outside the account.
        await S3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket, PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { RestrictPublicBuckets = true },
        });
        block = (await S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        Assert.Equal((false, false, false, true), (block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets));
        Assert.Equal((403, "AccessDenied"), await ErrorAsync(anonymous, HttpMethod.Get, $"/{bucket}/a.txt"));
    }

    [Fact]
    public async Task GetBucketPolicyStatus_says_whether_the_policy_is_public()
    {
        var bucket = await NewBucketAsync();
        var none = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket }));
        Assert.Equal(("NoSuchBucketPolicy", HttpStatusCode.NotFound), (none.ErrorCode, none.StatusCode));
        await S3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });

        async Task<bool?> IsPublicAsync(string policy)
        {
            await S3.PutBucketPolicyAsync(bucket, policy);
            return (await S3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic;
        }

        var read = $"\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::{bucket}/*\"";
        Assert.True(await IsPublicAsync(Policy($$"""{"Effect":"Allow","Principal":"*",{{read}}}""")));
        Assert.False(await IsPublicAsync(Policy($$"""{"Effect":"Allow","Principal":{"AWS":"000000000000"},{{read}}}""")));
        Assert.False(await IsPublicAsync(Policy($$"""{"Effect":"Allow","Principal":"*",{{read}},"Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"} } }""")));
        Assert.True(await IsPublicAsync(Policy($$"""{"Effect":"Allow","Principal":"*",{{read}},"Condition":{"StringLike":{"aws:Referer":"https://example.com/*"} } }""")));
    }

    [Fact]
    public async Task A_policy_round_trips_as_sent_and_deleting_it_leaves_NoSuchBucketPolicy()
    {
        var bucket = await NewBucketAsync();
        var policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"Readers\",\n  \"Statement\": [{\"Sid\": \"R\", \"Effect\": \"Allow\", " +
            $"\"Principal\": {{\"AWS\": [\"arn:aws:iam::000000000000:user/reader\"]}}, \"Action\": [\"s3:GetObject\"], \"Resource\": \"arn:aws:s3:::{bucket}/*\"}}]\n}}";
        await S3.PutBucketPolicyAsync(bucket, policy);
        Assert.Equal(policy, (await S3.GetBucketPolicyAsync(bucket)).Policy);
        using var http = new SignedHttp(fixture.Server);
        using (var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?policy"))
            Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        using (var delete = await http.SendAsync(HttpMethod.Delete, $"/{bucket}?policy"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await http.SendAsync(HttpMethod.Get, $"/{bucket}?policy");
        Assert.Equal((404, "NoSuchBucketPolicy"), await SignedHttp.ErrorOf(gone));
    }

    [Theory]
    [InlineData("not json", "Policies must be valid JSON and the first byte must be '{'")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}", "Missing required field Principal")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::another-bucket/*\"}]}", "Policy has invalid resource")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:Fly\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}", "Policy has invalid action")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"nobody\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}", "Invalid principal in policy")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"", "This policy contains invalid Json")]
    public async Task A_malformed_policy_is_MalformedPolicy_with_S3s_message_and_stores_nothing(string policy, string message)
    {
        var bucket = await NewBucketAsync();
        using var http = new SignedHttp(fixture.Server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?policy",
            new StringContent(policy.Replace("BUCKET", bucket), Encoding.UTF8, "application/json"));
        var error = RawXml.Parse(await put.Content.ReadAsStringAsync());
        Assert.Equal((400, "MalformedPolicy", message), ((int)put.StatusCode, RawXml.Child(error, "Code"), RawXml.Child(error, "Message")));
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}?policy");
        Assert.Equal((404, "NoSuchBucketPolicy"), await SignedHttp.ErrorOf(get));
    }

    [Fact]
    public async Task A_policy_over_20_KB_is_refused()
    {
        var bucket = await NewBucketAsync();
        var statement = $$"""{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}""";
        var policy = Policy([.. Enumerable.Repeat(statement, 20 * 1024 / statement.Length + 1)]);
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.PutBucketPolicyAsync(bucket, policy));
        Assert.Equal(("MalformedPolicy", HttpStatusCode.BadRequest), (refused.ErrorCode, refused.StatusCode));
    }

    private static string Policy(params string[] statements) =>
        $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", statements)}}]}""";

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("policy");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }

    private Task PutTextAsync(string bucket, string key, string text) =>
        S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = text });

    private async Task<string> ReadTextAsync(string bucket, string key)
    {
        using var response = await S3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }

    private static async Task<(int Status, string? Code)> ErrorAsync(SignedHttp http, HttpMethod method, string path, HttpContent? content = null)
    {
        using var response = await http.SendAsync(method, path, content, sign: false);
        return await SignedHttp.ErrorOf(response);
    }
}
