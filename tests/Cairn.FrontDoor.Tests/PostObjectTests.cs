using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using static Cairn.Testing.PostForms;

namespace Cairn.FrontDoor.Tests;

/// <summary>
/// PostObject (browser form uploads) through raw multipart/form-data requests: the policy's conditions, the
/// success answers, the fields that describe the object, and S3's exact errors for forms it refuses.
/// </summary>
public sealed class PostObjectTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    private AmazonS3Client S3 => fixture.S3;

    public void Dispose() => http.Dispose();

    private async Task<string> NewBucketAsync()
    {
        var bucket = ServerFixture.NewBucketName("post");
        await S3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task<HttpResponseMessage> PostAsync(string bucket, HttpContent content) =>
        await http.PostAsync($"{fixture.Server.Endpoint}/{bucket}", content);

    private Task<HttpResponseMessage> PostAsync(string bucket, IEnumerable<KeyValuePair<string, string>> fields, byte[] file, string fileName = "upload.bin") =>
        PostAsync(bucket, Content(fields, file, fileName));

    /// <summary>The S3 error of a response: status, Code, Message and the whole document.</summary>
    private static async Task<(int Status, string Code, string Message, XElement Error)> ErrorAsync(HttpResponseMessage response)
    {
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        return ((int)response.StatusCode, root.Element("Code")!.Value, root.Element("Message")!.Value, root);
    }

    private static async Task<(int Status, string Code)> CodeAsync(HttpResponseMessage response)
    {
        var (status, code, _, _) = await ErrorAsync(response);
        return (status, code);
    }

    private async Task AssertNoObjectAsync(string bucket, string key)
    {
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, key));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    private static string Md5ETag(byte[] data) => "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";

    private async Task<byte[]> ReadAsync(string bucket, string key)
    {
        using var get = await S3.GetObjectAsync(bucket, key);
        return await get.ResponseStream.ReadAllBytesAsync();
    }

    [Fact]
    public async Task A_signed_form_stores_the_file_and_answers_204_with_etag_and_location()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(5000);
        using var response = await PostAsync(bucket, Signed(bucket, [F("key", "photos/cat.jpg")]), data);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Md5ETag(data), response.Headers.ETag!.Tag);
        Assert.Equal($"{fixture.Server.Endpoint}/{bucket}/photos/cat.jpg", response.Headers.Location!.OriginalString);
        Assert.Equal(data, await ReadAsync(bucket, "photos/cat.jpg"));
    }

    [Fact]
    public async Task Success_action_status_200_answers_an_empty_200_and_201_a_PostResponse_document()
    {
        var bucket = await NewBucketAsync();
        using (var ok = await PostAsync(bucket, Signed(bucket, [F("key", "a"), F("success_action_status", "200")]), "x"u8.ToArray()))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Empty(await ok.Content.ReadAsByteArrayAsync());
        }

        var data = "created"u8.ToArray();
        using var created = await PostAsync(bucket, Signed(bucket, [F("key", "dir/b c+d"), F("success_action_status", "201")]), data);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var root = XDocument.Parse(await created.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("PostResponse", root.Name.LocalName);
        var location = $"{fixture.Server.Endpoint}/{bucket}/dir/b%20c%2Bd";
        Assert.Equal(location, root.Element("Location")!.Value);
        Assert.Equal(bucket, root.Element("Bucket")!.Value);
        Assert.Equal("dir/b c+d", root.Element("Key")!.Value);
        Assert.Equal(Md5ETag(data), root.Element("ETag")!.Value);
        Assert.Equal(location, created.Headers.Location!.OriginalString);
        Assert.Equal(data, await ReadAsync(bucket, "dir/b c+d"));
    }

    [Fact]
    public async Task A_form_posted_to_the_bucket_s_own_host_answers_that_host_s_location()
    {
        var bucket = await NewBucketAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, $"{fixture.Server.Endpoint}/")
        {
            Content = Content(Signed(bucket, [F("key", "hosted/k"), F("success_action_status", "201")]), "v"u8.ToArray()),
        };
        request.Headers.Host = $"{bucket}.localhost:{fixture.Server.Port}";
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = $"http://{bucket}.localhost:{fixture.Server.Port}/hosted/k";
        Assert.Equal(location, XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Location")!.Value);
        Assert.Equal("v"u8.ToArray(), await ReadAsync(bucket, "hosted/k"));
    }

    [Fact]
    public async Task Any_other_success_action_status_answers_204()
    {
        var bucket = await NewBucketAsync();
        using var response = await PostAsync(bucket, Signed(bucket, [F("key", "k"), F("success_action_status", "404")]), "x"u8.ToArray());
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Success_action_redirect_answers_303_to_it_with_bucket_key_and_etag()
    {
        var bucket = await NewBucketAsync();
        var data = "redirected"u8.ToArray();
        var fields = Signed(bucket, [F("key", "r k"), F("success_action_redirect", "http://example.invalid/done?from=form"), F("success_action_status", "201")]);
        using var response = await PostAsync(bucket, fields, data);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var etag = Uri.EscapeDataString(Md5ETag(data));
        Assert.Equal($"http://example.invalid/done?from=form&bucket={bucket}&key=r%20k&etag={etag}", response.Headers.Location!.OriginalString);
        Assert.Equal(data, await ReadAsync(bucket, "r k"));
    }

    [Fact]
    public async Task The_filename_variable_in_the_key_is_the_file_s_name_and_the_policy_sees_the_key_it_makes()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "uploads/${filename}")]);
        // The exact condition on the key was written for the raw field: with ${filename} replaced it no longer holds.
        using (var exact = await PostAsync(bucket, fields, "x"u8.ToArray(), "report.pdf"))
        {
            var (status, code, message, _) = await ErrorAsync(exact);
            Assert.Equal((403, "AccessDenied"), (status, code));
            Assert.Equal("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"uploads/${filename}\"]", message);
        }

        var prefixed = Signed(bucket, [F("key", "uploads/${filename}")], ["[\"starts-with\", \"$key\", \"uploads/\"]"], unconditioned: ["key"]);
        using var response = await PostAsync(bucket, prefixed, "pdf bytes"u8.ToArray(), "report.pdf");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("pdf bytes"u8.ToArray(), await ReadAsync(bucket, "uploads/report.pdf"));
    }

    [Fact]
    public async Task Form_fields_set_content_type_headers_metadata_storage_class_and_tags()
    {
        var bucket = await NewBucketAsync();
        var tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>blue</Value></Tag><Tag><Key>env</Key><Value>prod test</Value></Tag></TagSet></Tagging>";
        var fields = Signed(bucket,
        [
            F("key", "described"), F("Content-Type", "text/plain; charset=utf-8"), F("Cache-Control", "max-age=60"),
            F("Content-Disposition", "attachment; filename=\"d.txt\""), F("x-amz-meta-Owner", "Zoë"), F("x-amz-storage-class", "STANDARD_IA"),
            F("tagging", tagging), F("acl", "private"),
        ]);
        using var response = await PostAsync(bucket, fields, "hello"u8.ToArray());
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var head = await S3.GetObjectMetadataAsync(bucket, "described");
        Assert.Equal("text/plain; charset=utf-8", head.Headers.ContentType);
        Assert.Equal("max-age=60", head.Headers.CacheControl);
        Assert.Equal("attachment; filename=\"d.txt\"", head.Headers.ContentDisposition);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, head.StorageClass);
        var meta = await SignedHeadAsync(bucket, "described");
        Assert.Equal("=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("Zoë")) + "?=", meta.GetValues("x-amz-meta-owner").Single());
        var tags = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "described" });
        Assert.Equal([("env", "prod test"), ("team", "blue")], tags.Tagging.Select(t => (t.Key, t.Value)));
    }

    private async Task<System.Net.Http.Headers.HttpResponseHeaders> SignedHeadAsync(string bucket, string key)
    {
        using var signed = new SignedHttp(fixture.Server);
        using var head = await signed.SendAsync(HttpMethod.Head, $"/{bucket}/{key}");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        return head.Headers;
    }

    [Fact]
    public async Task A_form_without_content_type_stores_the_default_type_whatever_the_file_part_says()
    {
        var bucket = await NewBucketAsync();
        var file = new ByteArrayContent("x"u8.ToArray());
        file.Headers.ContentType = new("image/png");
        using var response = await PostAsync(bucket, Content(Signed(bucket, [F("key", "typed")]), file));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("binary/octet-stream", (await S3.GetObjectMetadataAsync(bucket, "typed")).Headers.ContentType);
    }

    [Fact]
    public async Task A_checksum_field_is_verified_and_stored_and_a_wrong_one_is_BadDigest_with_nothing_stored()
    {
        var bucket = await NewBucketAsync();
        var data = RandomNumberGenerator.GetBytes(100_000);
        var crc = Convert.ToBase64String(System.IO.Hashing.Crc32.Hash(data).Reverse().ToArray());
        using (var ok = await PostAsync(bucket, Signed(bucket, [F("key", "summed"), F("x-amz-checksum-crc32", crc)]), data))
        {
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
            Assert.Equal(crc, ok.Headers.GetValues("x-amz-checksum-crc32").Single());
        }
        var attributes = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "summed", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(crc, attributes.ChecksumCRC32);
        attributes.Dispose();

        var wrong = Convert.ToBase64String(new byte[4]);
        using var bad = await PostAsync(bucket, Signed(bucket, [F("key", "bad-sum"), F("x-amz-checksum-crc32", wrong)]), data);
        Assert.Equal((400, "BadDigest"), await CodeAsync(bad));
        await AssertNoObjectAsync(bucket, "bad-sum");
    }

    [Fact]
    public async Task A_file_far_larger_than_any_buffer_streams_through_and_reads_back_whole()
    {
        var bucket = await NewBucketAsync();
        const long size = 96L * 1024 * 1024 + 12345;
        var file = new StreamContent(new PatternStream(size, seed: 7));
        using var response = await PostAsync(bucket, Content(Signed(bucket, [F("key", "big")], ["[\"content-length-range\", 1, 104857600]"]), file));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        using var md5 = MD5.Create();
        var expected = await md5.ComputeHashAsync(new PatternStream(size, seed: 7));
        Assert.Equal("\"" + Convert.ToHexStringLower(expected) + "\"", response.Headers.ETag!.Tag);
        using var get = await S3.GetObjectAsync(bucket, "big");
        Assert.Equal(size, get.ContentLength);
        Assert.Equal(expected, await MD5.Create().ComputeHashAsync(get.ResponseStream));
    }

    [Fact]
    public async Task Fields_after_the_file_are_ignored()
    {
        var bucket = await NewBucketAsync();
        var content = Content(Signed(bucket, [F("key", "first")]), new ByteArrayContent("x"u8.ToArray()),
            after: [F("key", "second"), F("success_action_status", "201"), F("x-amz-meta-late", "1")]);
        using var response = await PostAsync(bucket, content);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty((await S3.GetObjectMetadataAsync(bucket, "first")).Metadata.Keys);
        await AssertNoObjectAsync(bucket, "second");
    }

    [Fact]
    public async Task Condition_operators_and_field_names_match_in_any_case_and_x_ignore_fields_need_no_condition()
    {
        var bucket = await NewBucketAsync();
        var now = DateTimeOffset.UtcNow;
        var fields = new List<KeyValuePair<string, string>> { F("kEy", "case/one"), F("CONTENT-TYPE", "text/plain"), F("x-ignore-submit", "Upload") };
        fields.AddRange(AuthFields(now));
        var policy = Policy(now.AddMinutes(5),
        [
            "{\"Bucket\": \"" + bucket + "\"}", "[\"StArTs-WiTh\", \"$KeY\", \"case/\"]", "[\"EQ\", \"$content-type\", \"text/plain\"]",
            "{\"X-Amz-Algorithm\": \"AWS4-HMAC-SHA256\"}", "[\"starts-with\", \"$x-amz-credential\", \"\"]", "[\"starts-with\", \"$x-amz-date\", \"\"]",
        ]);
        fields.AddRange(Signature(policy, now));
        using var response = await PostAsync(bucket, fields, "x"u8.ToArray());
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("text/plain", (await S3.GetObjectMetadataAsync(bucket, "case/one")).Headers.ContentType);
    }

    [Fact]
    public async Task Starts_with_on_content_type_holds_for_every_type_listed()
    {
        var bucket = await NewBucketAsync();
        var now = DateTimeOffset.UtcNow;
        List<KeyValuePair<string, string>> Form(string contentType)
        {
            var fields = new List<KeyValuePair<string, string>> { F("key", "typed"), F("Content-Type", contentType) };
            fields.AddRange(AuthFields(now));
            var policy = Policy(now.AddMinutes(5),
            [
                "{\"bucket\": \"" + bucket + "\"}", "{\"key\": \"typed\"}", "[\"starts-with\", \"$Content-Type\", \"image/\"]",
                "{\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}", "{\"x-amz-credential\": \"" + fields[3].Value + "\"}", "{\"x-amz-date\": \"" + fields[4].Value + "\"}",
            ]);
            fields.AddRange(Signature(policy, now));
            return fields;
        }
        using (var ok = await PostAsync(bucket, Form("image/png, image/jpeg"), "x"u8.ToArray()))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        using var refused = await PostAsync(bucket, Form("image/png, text/html"), "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(refused);
        Assert.Equal((403, "AccessDenied"), (status, code));
        Assert.Equal("Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$Content-Type\", \"image/\"]", message);
    }

    [Fact]
    public async Task An_expired_policy_is_AccessDenied()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "late")], expiration: DateTimeOffset.UtcNow.AddSeconds(-5));
        using var response = await PostAsync(bucket, fields, "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((403, "AccessDenied", "Invalid according to Policy: Policy expired."), (status, code, message));
        await AssertNoObjectAsync(bucket, "late");
    }

    [Fact]
    public async Task A_field_that_fails_its_condition_is_AccessDenied_naming_the_condition()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "k"), F("x-amz-meta-a", "1")]);
        var index = fields.FindIndex(f => f.Key == "x-amz-meta-a");
        fields[index] = F("x-amz-meta-a", "2");
        using var response = await PostAsync(bucket, fields, "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((403, "AccessDenied"), (status, code));
        Assert.Equal("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$x-amz-meta-a\", \"1\"]", message);
        await AssertNoObjectAsync(bucket, "k");
    }

    [Fact]
    public async Task A_field_no_condition_names_is_AccessDenied_as_an_extra_input_field()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "k")]);
        fields.Insert(1, F("x-amz-meta-sneaky", "1"));
        using var response = await PostAsync(bucket, fields, "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky"), (status, code, message));
    }

    [Fact]
    public async Task A_policy_for_another_bucket_is_AccessDenied()
    {
        var bucket = await NewBucketAsync();
        var other = await NewBucketAsync();
        using var response = await PostAsync(other, Signed(bucket, [F("key", "k")]), "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((403, "AccessDenied", $"Invalid according to Policy: Policy Condition failed: [\"eq\", \"$bucket\", \"{bucket}\"]"), (status, code, message));
    }

    [Fact]
    public async Task A_file_over_the_content_length_range_is_EntityTooLarge_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "big")], ["[\"content-length-range\", 10, 1000]"]);
        using (var ok = await PostAsync(bucket, fields, new byte[1000]))
            Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);

        fields = Signed(bucket, [F("key", "too-big")], ["[\"content-length-range\", 10, 1000]"]);
        using var response = await PostAsync(bucket, fields, new byte[3_000_000]);
        var (status, code, message, error) = await ErrorAsync(response);
        Assert.Equal((400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"), (status, code, message));
        Assert.Equal("1000", error.Element("MaxSizeAllowed")!.Value);
        await AssertNoObjectAsync(bucket, "too-big");
    }

    [Fact]
    public async Task A_file_under_the_content_length_range_is_EntityTooSmall_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "small")], ["[\"content-length-range\", 10, 1000]"]);
        using var response = await PostAsync(bucket, fields, new byte[9]);
        var (status, code, message, error) = await ErrorAsync(response);
        Assert.Equal((400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size"), (status, code, message));
        Assert.Equal(("9", "10"), (error.Element("ProposedSize")!.Value, error.Element("MinSizeAllowed")!.Value));
        await AssertNoObjectAsync(bucket, "small");
    }

    [Fact]
    public async Task A_form_without_key_is_InvalidArgument()
    {
        var bucket = await NewBucketAsync();
        using var response = await PostAsync(bucket, Signed(bucket, [F("success_action_status", "201")]), "x"u8.ToArray());
        var (status, code, message, error) = await ErrorAsync(response);
        Assert.Equal((400, "InvalidArgument"), (status, code));
        Assert.Equal("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", message);
        Assert.Equal("key", error.Element("ArgumentName")!.Value);
    }

    [Fact]
    public async Task A_key_sent_after_the_file_is_not_read()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "k")]);
        var content = Content(fields.Where(f => f.Key != "key"), new ByteArrayContent("x"u8.ToArray()), after: [F("key", "k")]);
        using var response = await PostAsync(bucket, content);
        Assert.Equal((400, "InvalidArgument"), await CodeAsync(response));
    }

    [Fact]
    public async Task A_form_without_file_is_IncorrectNumberOfFilesInPostRequest()
    {
        var bucket = await NewBucketAsync();
        using var response = await PostAsync(bucket, Content(Signed(bucket, [F("key", "k")]), (HttpContent?)null));
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((400, "IncorrectNumberOfFilesInPostRequest", "POST requires exactly one file upload per request."), (status, code, message));
    }

    [Fact]
    public async Task A_wrong_signature_is_SignatureDoesNotMatch_and_an_unknown_key_InvalidAccessKeyId()
    {
        var bucket = await NewBucketAsync();
        var wrongSecret = Signed(bucket, [F("key", "k")], secretKey: "not-the-secret-key-0123456789");
        using (var response = await PostAsync(bucket, wrongSecret, "x"u8.ToArray()))
        {
            var (status, code, _, error) = await ErrorAsync(response);
            Assert.Equal((403, "SignatureDoesNotMatch"), (status, code));
            Assert.Equal(wrongSecret.Single(f => f.Key == "policy").Value, error.Element("StringToSign")!.Value);
        }

        var tampered = Signed(bucket, [F("key", "k")]);
        var policyIndex = tampered.FindIndex(f => f.Key == "policy");
        tampered[policyIndex] = F("policy", Policy(DateTimeOffset.UtcNow.AddDays(1), ["{\"bucket\": \"" + bucket + "\"}", "[\"starts-with\", \"$key\", \"\"]"]));
        using (var response = await PostAsync(bucket, tampered, "x"u8.ToArray()))
            Assert.Equal((403, "SignatureDoesNotMatch"), await CodeAsync(response));

        using var unknown = await PostAsync(bucket, Signed(bucket, [F("key", "k")], accessKey: "NOSUCHKEY"), "x"u8.ToArray());
        Assert.Equal((403, "InvalidAccessKeyId"), await CodeAsync(unknown));
        await AssertNoObjectAsync(bucket, "k");
    }

    [Fact]
    public async Task A_form_without_credentials_is_AccessDenied_and_one_missing_a_signature_field_InvalidArgument()
    {
        var bucket = await NewBucketAsync();
        using (var anonymous = await PostAsync(bucket, [F("key", "k")], "x"u8.ToArray()))
            Assert.Equal((403, "AccessDenied"), await CodeAsync(anonymous));

        var unsigned = Signed(bucket, [F("key", "k")]).Where(f => f.Key != "x-amz-signature");
        using var response = await PostAsync(bucket, unsigned, "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((400, "InvalidArgument"), (status, code));
        Assert.Equal("Bucket POST must contain a field named 'x-amz-signature'.  If it is specified, please check the order of the fields.", message);
    }

    [Fact]
    public async Task A_signature_version_2_form_is_refused()
    {
        var bucket = await NewBucketAsync();
        using var response = await PostAsync(bucket, [F("key", "k"), F("AWSAccessKeyId", ServerProcess.AccessKey), F("policy", "e30="), F("signature", "c2ln")], "x"u8.ToArray());
        Assert.Equal((400, "InvalidRequest"), await CodeAsync(response));
    }

    [Theory]
    [InlineData("{\"conditions\": []}", "Invalid Policy: Policy missing expiration.")]
    [InlineData("{\"EXPIRATION\": \"2099-01-01T00:00:00Z\", \"conditions\": []}", "Invalid Policy: Policy missing expiration.")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\"}", "Invalid Policy: Policy missing conditions.")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"CONDITIONS\": []}", "Invalid Policy: Policy missing conditions.")]
    [InlineData("{\"expiration\": \"Thu, 01 Jan 2099 00:00:00 GMT\", \"conditions\": []}", "Invalid Policy: Invalid 'expiration' value: 'Thu, 01 Jan 2099 00:00:00 GMT'")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [{}]}", "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"content-length-range\", 0]]}", "Invalid Policy: Invalid 'content-length-range' condition: [\"content-length-range\", 0]")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"content-length-range\", -1, 0]]}", "Invalid Policy: Invalid 'content-length-range' condition: [\"content-length-range\", -1, 0]")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"ends-with\", \"$key\", \"x\"]]}", "Invalid Policy: Invalid Condition: [\"ends-with\", \"$key\", \"x\"]")]
    [InlineData("not json", "Invalid Policy: Invalid JSON.")]
    public async Task A_policy_S3_cannot_read_is_InvalidPolicyDocument(string json, string expectedMessage)
    {
        var bucket = await NewBucketAsync();
        var now = DateTimeOffset.UtcNow;
        var fields = new List<KeyValuePair<string, string>> { F("key", "k") };
        fields.AddRange(AuthFields(now));
        fields.AddRange(Signature(Base64(json), now));
        using var response = await PostAsync(bucket, fields, "x"u8.ToArray());
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((400, "InvalidPolicyDocument", expectedMessage), (status, code, message));
    }

    [Fact]
    public async Task A_POST_to_a_bucket_that_is_not_a_form_is_PreconditionFailed()
    {
        var bucket = await NewBucketAsync();
        using var response = await http.PostAsync($"{fixture.Server.Endpoint}/{bucket}", new StringContent("key=k", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var (status, code, _, error) = await ErrorAsync(response);
        Assert.Equal((412, "PreconditionFailed"), (status, code));
        Assert.Equal("Bucket POST must be of the enclosure-type multipart/form-data", error.Element("Condition")!.Value);
    }

    [Theory]
    [InlineData("this is not multipart at all")]
    [InlineData("--b\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--b--\r\n")]
    public async Task A_broken_multipart_body_is_MalformedPOSTRequest(string body)
    {
        var bucket = await NewBucketAsync();
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        using var response = await PostAsync(bucket, content);
        var (status, code, message, _) = await ErrorAsync(response);
        Assert.Equal((400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data."), (status, code, message));
    }

    [Fact]
    public async Task A_file_that_ends_without_its_closing_boundary_is_MalformedPOSTRequest_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync();
        var body = new StringBuilder();
        foreach (var (name, value) in Signed(bucket, [F("key", "cut")]))
            body.Append($"--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        body.Append("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n").Append('x', 100_000);
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body.ToString()));
        content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");
        using var response = await PostAsync(bucket, content);
        Assert.Equal((400, "MalformedPOSTRequest"), await CodeAsync(response));
        await AssertNoObjectAsync(bucket, "cut");
    }

    [Fact]
    public async Task Fields_before_the_file_over_20_KB_are_MaxPostPreDataLengthExceededError()
    {
        var bucket = await NewBucketAsync();
        var fields = Signed(bucket, [F("key", "k"), F("x-amz-meta-big", new string('a', 21 * 1024))]);
        using var response = await PostAsync(bucket, fields, "x"u8.ToArray());
        Assert.Equal((400, "MaxPostPreDataLengthExceededError"), await CodeAsync(response));
    }

    [Fact]
    public async Task A_form_for_a_missing_bucket_is_NoSuchBucket()
    {
        var bucket = ServerFixture.NewBucketName("gone");
        using var response = await PostAsync(bucket, Signed(bucket, [F("key", "k")]), "x"u8.ToArray());
        Assert.Equal((404, "NoSuchBucket"), await CodeAsync(response));
    }

    [Fact]
    public async Task A_public_acl_or_unknown_storage_class_is_refused_as_for_PutObject()
    {
        var bucket = await NewBucketAsync();
        using (var acl = await PostAsync(bucket, Signed(bucket, [F("key", "k"), F("acl", "public-read")]), "x"u8.ToArray()))
            Assert.Equal((400, "AccessControlListNotSupported"), await CodeAsync(acl));
        using (var storageClass = await PostAsync(bucket, Signed(bucket, [F("key", "k"), F("x-amz-storage-class", "FAST")]), "x"u8.ToArray()))
            Assert.Equal((400, "InvalidStorageClass"), await CodeAsync(storageClass));
        await AssertNoObjectAsync(bucket, "k");
    }

    [Fact]
    public async Task A_form_on_a_versioned_bucket_answers_the_new_version_id()
    {
        var bucket = await NewBucketAsync();
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        using var response = await PostAsync(bucket, Signed(bucket, [F("key", "v")]), "x"u8.ToArray());
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var versionId = response.Headers.GetValues("x-amz-version-id").Single();
        Assert.Equal(versionId, (await S3.GetObjectMetadataAsync(bucket, "v")).VersionId);
    }

    /// <summary>Deterministic pseudo-random bytes of a given length, produced as read: never held whole in memory.</summary>
    private sealed class PatternStream(long length, int seed) : Stream
    {
        private readonly Random random = new(seed);
        private long position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - position);
            random.NextBytes(buffer.AsSpan(offset, n));
            position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
