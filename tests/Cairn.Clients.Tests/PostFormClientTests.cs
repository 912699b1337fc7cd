using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;
using Minio;
using Minio.DataModel.Args;
using static Cairn.Testing.PostForms;

namespace Cairn.Clients.Tests;

/// <summary>
/// PostObject forms made by the presigned-POST helpers of real clients, unchanged — boto3's generate_presigned_post,
/// the MinIO .NET SDK's PresignedPostPolicyAsync, AWSSDK.S3's CreatePresignedPostAsync — and sent by curl.
/// </summary>
public sealed class PostFormClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly TempDir temp = new("cairn-postform");
    private readonly HttpClient http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    public void Dispose()
    {
        http.Dispose();
        temp.Dispose();
    }

    private AmazonS3Client S3 => fixture.S3;

    private async Task<string> NewBucketAsync(string hint)
    {
        var bucket = ServerFixture.NewBucketName(hint);
        await S3.PutBucketAsync(bucket);
        return bucket;
    }

    private async Task<byte[]> ReadAsync(string bucket, string key)
    {
        using var get = await S3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string Md5ETag(byte[] data) => "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";

    private async Task<JsonElement> PythonAsync(string script, string bucket)
    {
        var env = ExternalClients.Environment(temp.Sub("home"));
        env["CAIRN_ENDPOINT"] = fixture.Server.Endpoint;
        env["CAIRN_BUCKET"] = bucket;
        const string prelude = """
            import os, json, time, urllib3
            import boto3
            from botocore.config import Config
            s3 = boto3.client('s3', endpoint_url=os.environ['CAIRN_ENDPOINT'], region_name='us-east-1',
                              config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
            bucket = os.environ['CAIRN_BUCKET']
            pool = urllib3.PoolManager()
            def post(presigned, filename, data, content_type='application/octet-stream'):
                fields = list(presigned['fields'].items()) + [('file', (filename, data, content_type))]
                r = pool.request('POST', presigned['url'], fields=fields, redirect=False)
                return {'status': r.status, 'etag': r.headers.get('ETag'), 'location': r.headers.get('Location'), 'body': r.data.decode()}
            def out(obj):
                print(json.dumps(obj))

            """;
        var result = (await ExternalClients.RunAsync(ExternalClients.Python, ["-"], env, stdin: prelude + script)).Succeeded(fixture, "boto3 script");
        return JsonDocument.Parse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last()).RootElement.Clone();
    }

    [Fact]
    public async Task Boto3_generate_presigned_post_uploads_with_its_fields_and_conditions()
    {
        var bucket = await NewBucketAsync("boto-post");
        var r = await PythonAsync("""
            data = os.urandom(300_000)
            presigned = s3.generate_presigned_post(bucket, 'inbox/${filename}',
                Fields={'success_action_status': '201', 'Content-Type': 'image/png', 'x-amz-meta-origin': 'browser'},
                Conditions=[{'success_action_status': '201'}, ['starts-with', '$Content-Type', 'image/'],
                            {'x-amz-meta-origin': 'browser'}, ['content-length-range', 1, 1048576]],
                ExpiresIn=600)
            ok = post(presigned, 'cat.png', data, 'image/png')
            head = s3.head_object(Bucket=bucket, Key='inbox/cat.png')
            body = s3.get_object(Bucket=bucket, Key='inbox/cat.png')['Body'].read()
            too_big = post(presigned, 'huge.png', os.urandom(2_000_000), 'image/png')
            out({'ok': ok, 'same': body == data, 'md5': '"' + __import__('hashlib').md5(data).hexdigest() + '"',
                 'type': head['ContentType'], 'meta': head['Metadata'], 'too_big': too_big})
            """, bucket);

        var ok = r.GetProperty("ok");
        Assert.Equal(201, ok.GetProperty("status").GetInt32());
        var response = XDocument.Parse(ok.GetProperty("body").GetString()!).Root!;
        Assert.Equal(("inbox/cat.png", r.GetProperty("md5").GetString()), (response.Element("Key")!.Value, response.Element("ETag")!.Value));
        Assert.True(r.GetProperty("same").GetBoolean());
        Assert.Equal("image/png", r.GetProperty("type").GetString());
        Assert.Equal("browser", r.GetProperty("meta").GetProperty("origin").GetString());
        var tooBig = r.GetProperty("too_big");
        Assert.Equal(400, tooBig.GetProperty("status").GetInt32());
        Assert.Equal("EntityTooLarge", XDocument.Parse(tooBig.GetProperty("body").GetString()!).Root!.Element("Code")!.Value);
    }

    [Fact]
    public async Task Boto3_presigned_post_past_its_expiry_is_refused_and_one_for_another_key_too()
    {
        var bucket = await NewBucketAsync("boto-exp");
        var r = await PythonAsync("""
            presigned = s3.generate_presigned_post(bucket, 'fixed-key', ExpiresIn=1)
            time.sleep(2.5)
            expired = post(presigned, 'f', b'late')
            fresh = s3.generate_presigned_post(bucket, 'fixed-key', ExpiresIn=600)
            fresh['fields']['key'] = 'other-key'
            other = post(fresh, 'f', b'elsewhere')
            out({'expired': expired, 'other': other})
            """, bucket);
        var expired = XDocument.Parse(r.GetProperty("expired").GetProperty("body").GetString()!).Root!;
        Assert.Equal(403, r.GetProperty("expired").GetProperty("status").GetInt32());
        Assert.Equal(("AccessDenied", "Invalid according to Policy: Policy expired."), (expired.Element("Code")!.Value, expired.Element("Message")!.Value));
        var other = XDocument.Parse(r.GetProperty("other").GetProperty("body").GetString()!).Root!;
        Assert.Equal("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"fixed-key\"]", other.Element("Message")!.Value);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "other-key"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Minio_sdk_presigned_post_policy_uploads_unchanged()
    {
        var bucket = await NewBucketAsync("minio-post");
        using var minio = (MinioClient)new MinioClient()
            .WithEndpoint("127.0.0.1", fixture.Server.Port)
            .WithCredentials(ServerProcess.AccessKey, ServerProcess.SecretKey)
            .WithRegion(ServerProcess.Region)
            .Build();
        var policy = new Minio.DataModel.PostPolicy();
        policy.SetBucket(bucket);
        policy.SetKey("minio/report.txt");
        policy.SetExpires(DateTime.UtcNow.AddMinutes(10));
        policy.SetContentType("text/plain");
        policy.SetUserMetadata("team", "blue");
        policy.SetContentRange(1, 1024 * 1024);
        var (url, formData) = await minio.PresignedPostPolicyAsync(new PresignedPostPolicyArgs().WithBucket(bucket).WithObject("minio/report.txt").WithPolicy(policy));

        // MinIO 7.0.0 writes the Content-Type condition into the policy but leaves the field itself to the page.
        Assert.False(formData.ContainsKey("Content-Type"));
        var fields = formData.ToList();
        fields.Add(F("Content-Type", "text/plain"));

        var data = RandomNumberGenerator.GetBytes(200_000);
        using var response = await http.PostAsync(url, Content(fields, data, "report.txt"));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        Assert.Equal(Md5ETag(data), response.Headers.ETag!.Tag);
        Assert.Equal(data, await ReadAsync(bucket, "minio/report.txt"));
        var head = await S3.GetObjectMetadataAsync(bucket, "minio/report.txt");
        Assert.Equal("text/plain", head.Headers.ContentType);
        Assert.Equal("blue", head.Metadata["team"]);
    }

    [Fact]
    public async Task Awssdk_create_presigned_post_uploads_unchanged()
    {
        var bucket = await NewBucketAsync("sdk-post");
        var presigned = await S3.CreatePresignedPostAsync(new CreatePresignedPostRequest
        {
            BucketName = bucket,
            Key = "sdk/${filename}",
            Expires = DateTime.UtcNow.AddMinutes(10),
            Fields = new Dictionary<string, string> { ["success_action_status"] = "200", ["x-amz-meta-via"] = "awssdk" },
            Conditions =
            [
                S3PostCondition.ExactMatch("success_action_status", "200"),
                S3PostCondition.ExactMatch("x-amz-meta-via", "awssdk"),
                S3PostCondition.ContentLengthRange(1, 10_000_000),
            ],
        });

        var data = RandomNumberGenerator.GetBytes(6 * 1024 * 1024);
        using var response = await http.PostAsync(presigned.Url, Content(presigned.Fields.ToList(), data, "six.bin"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(Md5ETag(data), response.Headers.ETag!.Tag);
        Assert.Equal(data, await ReadAsync(bucket, "sdk/six.bin"));
        Assert.Equal("awssdk", (await S3.GetObjectMetadataAsync(bucket, "sdk/six.bin")).Metadata["via"]);
    }

    private async Task<(int Status, string Body, string Headers)> CurlAsync(string bucket, IEnumerable<KeyValuePair<string, string>> fields, string file, string fileName)
    {
        var bodyPath = temp.File("curl-body-" + Guid.NewGuid().ToString("N"));
        var headersPath = temp.File("curl-headers-" + Guid.NewGuid().ToString("N"));
        var args = new List<string> { "-sS", "-o", bodyPath, "-D", headersPath, "-w", "%{http_code}" };
        foreach (var (name, value) in fields) args.AddRange(["--form-string", $"{name}={value}"]);
        args.AddRange(["-F", $"file=@{file};filename={fileName}", $"{fixture.Server.Endpoint}/{bucket}"]);
        var result = (await ExternalClients.RunAsync(ExternalClients.Curl, args, ExternalClients.Environment(temp.Sub("home")))).Succeeded(fixture, "curl");
        return (int.Parse(result.Stdout.Trim()), await File.ReadAllTextAsync(bodyPath), await File.ReadAllTextAsync(headersPath));
    }

    [Fact]
    public async Task Curl_uploads_a_form_and_follows_success_action_status()
    {
        var bucket = await NewBucketAsync("curl-post");
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var path = temp.File("photo.jpg");
        await File.WriteAllBytesAsync(path, data);
        // Any file name under curl/: the key's condition is starts-with, not the exact one for the raw field.
        var fields = Signed(bucket, [F("key", "curl/${filename}"), F("Content-Type", "image/jpeg"), F("success_action_status", "201")],
            ["[\"starts-with\", \"$key\", \"curl/\"]"], unconditioned: ["key"]);

        var (status, body, _) = await CurlAsync(bucket, fields, path, "holiday.jpg");
        Assert.Equal(201, status);
        var root = XDocument.Parse(body).Root!;
        Assert.Equal(("curl/holiday.jpg", Md5ETag(data)), (root.Element("Key")!.Value, root.Element("ETag")!.Value));
        Assert.Equal(data, await ReadAsync(bucket, "curl/holiday.jpg"));
        Assert.Equal("image/jpeg", (await S3.GetObjectMetadataAsync(bucket, "curl/holiday.jpg")).Headers.ContentType);
    }

    [Fact]
    public async Task Curl_sees_EntityTooLarge_for_a_file_over_the_range_and_nothing_is_stored()
    {
        var bucket = await NewBucketAsync("curl-big");
        var path = temp.File("big.bin");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(8 * 1024 * 1024));
        var fields = Signed(bucket, [F("key", "big")], ["[\"content-length-range\", 0, 65536]"]);
        var (status, body, _) = await CurlAsync(bucket, fields, path, "big.bin");
        Assert.Equal(400, status);
        Assert.Equal("EntityTooLarge", XDocument.Parse(body).Root!.Element("Code")!.Value);
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync(bucket, "big"));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }
}
