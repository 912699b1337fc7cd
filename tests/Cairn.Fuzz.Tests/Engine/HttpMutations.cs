using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Cairn.Auth;
using Cairn.Testing;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// Turns a request template (tests/fuzz/corpora/http) into bytes for a real server: placeholders filled in, the
/// template mutated, then signed for the server's key so the mutation reaches the handlers behind authentication;
/// or, now and then, mutated again after signing so framing and authentication are attacked too.
/// </summary>
public sealed class HttpMutations(ServerProcess server, IReadOnlyDictionary<string, string> placeholders, Random random)
{
    private static readonly string[] HttpWords =
    [
        "\r\n", ": ", "Content-Length: ", "Transfer-Encoding: chunked\r\n", "Content-Encoding: aws-chunked\r\n", "Expect: 100-continue\r\n",
        "x-amz-content-sha256: ", "x-amz-decoded-content-length: ", "x-amz-trailer: ", "Range: bytes=", "If-Match: ", "x-amz-copy-source: ",
        "x-amz-checksum-crc32: ", "x-amz-checksum-sha256: ", "x-amz-sdk-checksum-algorithm: ", "x-amz-tagging: ", "x-amz-meta-",
        "x-amz-object-lock-mode: ", "x-amz-server-side-encryption: aws:kms\r\n", "Content-MD5: ", "?", "&", "=", "%", "%00", "%2F", "/",
        "..", "?uploads", "?tagging", "?versionId=", "?partNumber=", "&uploadId=", "?acl", "?policy", "?delete", "?restore", "<", ">",
        "</", "<Key>", "<Part>", "<Days>", "UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "0\r\n\r\n", ";chunk-signature=",
    ];

    private readonly Mutator mutator = new(random, [.. HttpWords.Select(Encoding.ASCII.GetBytes)], 256 * 1024);

    public byte[] Next(IReadOnlyList<byte[]> templates)
    {
        var template = Fill(templates[random.Next(templates.Count)]);
        // One template in eight goes as written (placeholders only): the server's ordinary answers stay covered.
        var mutated = random.Next(8) == 0 ? template : mutator.Mutate(template, templates);
        var request = Serialise(RawRequest.Parse(mutated));
        return random.Next(4) == 0 ? mutator.Mutate(request, [request]) : request;
    }

    private byte[] Fill(byte[] template)
    {
        var text = Encoding.Latin1.GetString(template);
        foreach (var (name, value) in placeholders) text = text.Replace("{" + name + "}", value);
        return Encoding.Latin1.GetBytes(text);
    }

    /// <summary>The request as the server's client would send it: signed (unless X-Fuzz-Sign: no), Content-MD5 recomputed.</summary>
    private byte[] Serialise(RawRequest raw)
    {
        var host = $"127.0.0.1:{server.Port}";
        bool sign = !raw.Headers.Any(h => h.Name.Equals("X-Fuzz-Sign", StringComparison.OrdinalIgnoreCase));
        var headers = new List<(string Name, string Value)>();
        string? payloadHash = null;
        foreach (var (name, value) in raw.Headers)
        {
            if (name.ToLowerInvariant() is "x-fuzz-sign" or "host" or "content-length" or "connection" or "authorization" or "x-amz-date") continue;
            if (name.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase)) payloadHash = value;
            else if (name.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase) && value == "{md5}")
                headers.Add((name, Convert.ToBase64String(MD5.HashData(raw.Body))));
            else headers.Add((name, value));
        }
        if (sign && Signed(raw, host, headers, payloadHash) is { } signed) headers = signed;

        var head = new StringBuilder($"{raw.Method} {raw.Target} HTTP/1.1\r\nHost: {host}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append($"Content-Length: {raw.Body.Length}\r\nConnection: close\r\n\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. raw.Body];
    }

    /// <summary>The headers with x-amz-date, x-amz-content-sha256 and Authorization added; null when the target is no URI at all.</summary>
    private static List<(string, string)>? Signed(RawRequest raw, string host, List<(string Name, string Value)> headers, string? payloadHash)
    {
        if (!Uri.TryCreate($"http://{host}{raw.Target}", UriKind.Absolute, out var uri)) return null;
        var message = new HttpRequestMessage(new HttpMethod(raw.Method), uri) { Content = new ByteArrayContent(raw.Body) };
        foreach (var (name, value) in headers)
            if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content.Headers.TryAddWithoutValidation(name, value);
        SigV4Signer.Sign(message, ServerProcess.AccessKey, ServerProcess.SecretKey, ServerProcess.Region, DateTimeOffset.UtcNow,
            payloadSha256Hex: payloadHash);
        return
        [
            .. message.Headers.NonValidated.Select(h => (h.Key, h.Value.ToString())),
            .. message.Content.Headers.NonValidated.Where(h => h.Key != "Content-Length").Select(h => (h.Key, h.Value.ToString())),
        ];
    }

    /// <summary>
    /// Sends the bytes on a fresh connection and returns the final status, or null when the server closed the connection
    /// without answering. A request whose framing the mutation broke may leave the server rightly waiting for more
    /// body: after <paramref name="patience"/> without an answer the sending side is closed, and only a server that
    /// then neither answers nor closes within <paramref name="timeout"/> is hung (OperationCanceledException).
    /// </summary>
    public static async Task<int?> SendAsync(int port, byte[] request, TimeSpan patience, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, deadline.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything (a refused header): read what it said.
        }
        var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        using var waited = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        waited.CancelAfter(patience);
        bool sendClosed = false;
        while (true)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, sendClosed ? deadline.Token : waited.Token);
            }
            catch (OperationCanceledException) when (!sendClosed && !deadline.IsCancellationRequested)
            {
                client.Client.Shutdown(SocketShutdown.Send);
                sendClosed = true;
                continue;
            }
            catch (IOException)
            {
                n = 0;
            }
            if (n > 0) received.Write(buffer, 0, n);
            if (FinalStatus(received.GetBuffer().AsSpan(0, (int)received.Length)) is { } status) return status;
            if (n == 0) return null;
        }
    }

    /// <summary>The status of the first non-1xx response whose head is complete.</summary>
    private static int? FinalStatus(ReadOnlySpan<byte> data)
    {
        while (true)
        {
            int end = data.IndexOf("\r\n\r\n"u8);
            if (end < 0 || data.Length < 12 || !data.StartsWith("HTTP/1."u8)) return null;
            int status = int.Parse(Encoding.ASCII.GetString(data[9..12]));
            if (status >= 200) return status;
            data = data[(end + 4)..];
        }
    }
}
