using System.Net.Http.Headers;
using System.Xml.Linq;
using Cairn.Auth;

namespace Cairn.Testing;

/// <summary>Raw HTTP against the server, SigV4-signed by Cairn's own signer: for the requests an SDK will not send.</summary>
public sealed class SignedHttp(ServerProcess server, string? accessKey = null, string? secretKey = null) : IDisposable
{
    // Every XML response is checked against S3's shapes (S3XmlValidation) before the test sees it.
    private readonly HttpClient http = new(server.XmlValidation.Handler(server.SocketsHandler())) { Timeout = TimeSpan.FromSeconds(60) };

    public Uri Url(string pathAndQuery) => new(server.Endpoint + pathAndQuery);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, HttpContent? content = null,
        Action<HttpRequestMessage>? configure = null, DateTimeOffset? signedAt = null, string? payloadSha256 = null, bool sign = true)
    {
        var request = new HttpRequestMessage(method, Url(pathAndQuery)) { Content = content };
        configure?.Invoke(request);
        if (sign)
            SigV4Signer.Sign(request, accessKey ?? ServerProcess.AccessKey, secretKey ?? ServerProcess.SecretKey, ServerProcess.Region,
                signedAt ?? DateTimeOffset.UtcNow, payloadSha256Hex: payloadSha256);
        return await http.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendUnsignedAsync(HttpRequestMessage request) => http.SendAsync(request);

    /// <summary>Reads an S3 error response: (status, Code element).</summary>
    public static async Task<(int Status, string? Code)> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length == 0) return ((int)response.StatusCode, null);
        var code = XDocument.Parse(body).Root?.Element("Code")?.Value;
        return ((int)response.StatusCode, code);
    }

    public static ByteArrayContent Bytes(byte[] data, string? contentType = null)
    {
        var c = new ByteArrayContent(data);
        if (contentType is not null) c.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return c;
    }

    /// <summary>
    /// An XML request body with the Content-MD5 every SDK sends on the configuration PUTs and DeleteObjects (where AWS
    /// requires it or a checksum).
    /// </summary>
    public static ByteArrayContent Xml(string xml)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(xml);
        var content = Bytes(bytes, "application/xml");
        content.Headers.Add("Content-MD5", Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(bytes)));
        return content;
    }

    public void Dispose() => http.Dispose();
}
