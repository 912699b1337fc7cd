using System.Text;
using Cairn.Testing;

namespace Cairn.FrontDoor.Tests;

/// <summary>Signed raw requests for the tests that look at S3's exact answers (status, headers, XML as sent).</summary>
internal sealed class RawS3(ServerProcess server)
{
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null, string? payload = null, bool sign = true)
    {
        using var http = new SignedHttp(server);
        return await http.SendAsync(method, pathAndQuery, content, configure, payloadSha256: payload, sign: sign);
    }

    public async Task<string> NewBucketAsync(string hint)
    {
        var bucket = ServerFixture.NewBucketName(hint);
        using var response = await SendAsync(HttpMethod.Put, "/" + bucket);
        Assert.True(response.IsSuccessStatusCode, $"CreateBucket {bucket}: {(int)response.StatusCode}");
        return bucket;
    }

    public static ByteArrayContent Bytes(string text) => SignedHttp.Bytes(Encoding.UTF8.GetBytes(text));

    /// <summary>S3's CRC32: base64 of the big-endian value, from System.IO.Hashing rather than Cairn's own code.</summary>
    public static string Crc32(byte[] data)
    {
        var bytes = System.IO.Hashing.Crc32.Hash(data);
        Array.Reverse(bytes);
        return Convert.ToBase64String(bytes);
    }

    public static string Crc32(string text) => Crc32(Encoding.UTF8.GetBytes(text));
}
