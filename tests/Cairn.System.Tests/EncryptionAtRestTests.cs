using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Cairn.Testing;

namespace Cairn.System.Tests;

/// <summary>
/// What encryption leaves on the drives and in the index: no plaintext of an encrypted object anywhere under the data
/// directory (fragment files, inline records, logs), while an unencrypted control object's bytes are there to be found;
/// and encrypted objects that a lifecycle transition rewrote onto another class still read back, sealed all along.
/// </summary>
public sealed class EncryptionAtRestTests
{
    [Fact]
    public async Task Encrypted_objects_leave_no_plaintext_on_the_drives_or_in_the_index()
    {
        await using var server = await ServerProcess.StartAsync("--default-encryption", "none");
        using var s3 = server.Client();
        await s3.PutBucketAsync("raw");
        var objects = new List<(string Key, byte[] Data, bool Encrypted)>();
        async Task PutAsync(string key, int size, ServerSideEncryptionMethod? method)
        {
            var data = Marked(key, size);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "raw", Key = key, InputStream = new MemoryStream(data), ServerSideEncryptionMethod = method });
            objects.Add((key, data, method is not null));
        }
        await PutAsync("control-inline", 300, null);
        await PutAsync("control-blob", 300_000, null);
        await PutAsync("s3-inline", 300, ServerSideEncryptionMethod.AES256);
        await PutAsync("s3-blob", 300_000, ServerSideEncryptionMethod.AES256);
        await PutAsync("kms-blob", 300_000, ServerSideEncryptionMethod.AWSKMS);

        var parts = new[] { Marked("s3-multipart", 5 * 1024 * 1024), Marked("s3-multipart", 100_000) };
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "raw", Key = "s3-multipart", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
            etags.Add(new PartETag(i + 1, (await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "raw", Key = "s3-multipart", UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            })).ETag));
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "raw", Key = "s3-multipart", UploadId = upload.UploadId, PartETags = etags });
        objects.Add(("s3-multipart", [.. parts[0], .. parts[1]], true));

        foreach (var (key, data, _) in objects) Assert.Equal(data, await ReadAsync(s3, "raw", key));

        var stored = StoredFiles(server.DataPath);
        foreach (var (key, data, encrypted) in objects)
        {
            // An inline object's bytes sit base64-encoded in its JSON record; a blob's raw in its fragment file.
            var found = stored.Any(f => Contains(f, Marker(key)) || Contains(f, Encoding.ASCII.GetBytes(Convert.ToBase64String(data)[..40])));
            Assert.True(found != encrypted, encrypted ? $"plaintext of encrypted {key} found under the data directory" : $"control {key} not found: the search is blind");
        }
    }

    [Fact]
    public async Task Encrypted_objects_survive_a_transition_and_stay_sealed()
    {
        using var ca = TestCertificateAuthority.Create();
        await using var server = await ServerProcess.StartTlsAsync(ca, TestKeyKind.Rsa, "--day-seconds", "1", "--gc-grace", "00:00:01", "--gc-interval", "00:00:01");
        using var s3 = server.Client();
        await s3.PutBucketAsync("tiers");
        var customerKey = RandomNumberGenerator.GetBytes(32);
        var single = Marked("sse-s3-single", 300_000);
        var customer = Marked("sse-c-single", 200_000);
        var kms = Marked("sse-kms-single", 150_000);
        var parts = new[] { Marked("sse-s3-parts", 5 * 1024 * 1024), Marked("sse-s3-parts", 70_000) };
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "tiers", Key = "single", InputStream = new MemoryStream(single) });
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "tiers", Key = "customer", InputStream = new MemoryStream(customer),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey),
        });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "tiers", Key = "kms", InputStream = new MemoryStream(kms), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS });
        var upload = await s3.InitiateMultipartUploadAsync("tiers", "parts");
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
            etags.Add(new PartETag(i + 1, (await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "tiers", Key = "parts", UploadId = upload.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(parts[i]),
            })).ETag));
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "tiers", Key = "parts", UploadId = upload.UploadId, PartETags = etags });

        using (var http = new SignedHttp(server))
        {
            var response = await http.SendAsync(HttpMethod.Put, "/tiers?lifecycle", SignedHttp.Xml("""
                <LifecycleConfiguration><Rule><ID>now</ID><Filter/><Status>Enabled</Status>
                  <Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition></Rule></LifecycleConfiguration>
                """));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        string[] keys = ["single", "customer", "kms", "parts"];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var classes = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "tiers" })).S3Objects.Select(o => o.StorageClass).ToList();
            if (classes.Count == keys.Length && classes.All(c => c == S3StorageClass.Glacier)) break;
            Assert.True(DateTime.UtcNow < deadline, "the objects never reached GLACIER");
            await Task.Delay(100);
        }
        foreach (var key in keys)
            await s3.RestoreObjectAsync(new RestoreObjectRequest { BucketName = "tiers", Key = key, Days = 30, RetrievalTier = GlacierJobTier.Expedited });
        foreach (var key in keys)
            while ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "tiers", Prefix = key, OptionalObjectAttributes = ["RestoreStatus"] }))
                   .S3Objects.Single(o => o.Key == key).RestoreStatus?.IsRestoreInProgress != false)
            {
                Assert.True(DateTime.UtcNow < deadline.AddSeconds(60), $"{key} was never restored");
                await Task.Delay(50);
            }

        Assert.Equal(single, await ReadAsync(s3, "tiers", "single"));
        Assert.Equal(kms, await ReadAsync(s3, "tiers", "kms"));
        var whole = parts.SelectMany(p => p).ToArray();
        Assert.Equal(whole, await ReadAsync(s3, "tiers", "parts"));
        using (var range = await s3.GetObjectAsync(new GetObjectRequest { BucketName = "tiers", Key = "parts", ByteRange = new ByteRange(parts[0].Length - 70_000, parts[0].Length + 69_999) }))
            Assert.Equal(whole[(parts[0].Length - 70_000)..(parts[0].Length + 70_000)], await range.ResponseStream.ReadAllBytesAsync());
        using (var get = await s3.GetObjectAsync(new GetObjectRequest
               {
                   BucketName = "tiers", Key = "customer", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
                   ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey), ByteRange = new ByteRange(1000, 199_999),
               }))
            Assert.Equal(customer[1000..], await get.ResponseStream.ReadAllBytesAsync());

        var stored = StoredFiles(server.DataPath);
        foreach (var key in new[] { "sse-s3-single", "sse-c-single", "sse-kms-single", "sse-s3-parts" })
            Assert.False(stored.Any(f => Contains(f, Marker(key))), $"plaintext of {key} found under the data directory after the transition");
    }

    /// <summary>Random bytes with a marker naming <paramref name="key"/> written into them every 4 KiB, to search for.</summary>
    private static byte[] Marked(string key, int size)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        var marker = Marker(key);
        for (var at = 0; at + marker.Length <= size; at += 4096) marker.CopyTo(data, at);
        return data;
    }

    private static byte[] Marker(string key) => Encoding.ASCII.GetBytes($"<<PLAINTEXT-MARKER {key}>>");

    /// <summary>Every file under the data directory (fragments, index, logs) but the master key, as it is on disk now.</summary>
    private static List<byte[]> StoredFiles(string dataPath) =>
        Directory.EnumerateFiles(dataPath, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "master.key")
            .Select(f =>
            {
                using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                var bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
                return bytes;
            })
            .ToList();

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    private static async Task<byte[]> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var get = await s3.GetObjectAsync(bucket, key);
        return await get.ResponseStream.ReadAllBytesAsync();
    }
}
