using System.Security.Cryptography;
using System.Text;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Auth.Tests;

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}

internal sealed class Credentials(params (string AccessKey, string Secret)[] pairs) : ICredentialStore
{
    public bool TryFind(string accessKey, out Credential credential)
    {
        foreach (var (ak, sk) in pairs)
        {
            if (ak == accessKey)
            {
                credential = new Credential(sk, Principal.Root("test") with { AccessKey = ak });
                return true;
            }
        }
        credential = null!;
        return false;
    }
}

/// <summary>Serves bytes in pieces of at most <c>maxPerRead</c>, to exercise every parser boundary.</summary>
internal sealed class TrickleStream(byte[] data, int maxPerRead) : Stream
{
    private int position;
    public int Reads { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        int n = Math.Min(Math.Min(buffer.Length, maxPerRead), data.Length - position);
        data.AsSpan(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Read(buffer.Span);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal static class Http
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public static readonly DateTimeOffset DocTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    public static SigV4Verifier Verifier(DateTimeOffset now) =>
        new(new Credentials((AccessKey, Secret)), new FixedClock(now));

    /// <summary>A server-side request as Kestrel would present it: raw target, headers as received, body.</summary>
    public static HttpRequest Request(string method, string rawTarget, IEnumerable<(string Name, string Value)> headers, Stream? body = null)
    {
        var context = new DefaultHttpContext();
        var feature = context.Features.Get<IHttpRequestFeature>()!;
        feature.Method = method;
        feature.RawTarget = rawTarget;
        int q = rawTarget.IndexOf('?');
        feature.Path = Uri.UnescapeDataString(q < 0 ? rawTarget : rawTarget[..q]);
        feature.QueryString = q < 0 ? "" : rawTarget[q..];
        foreach (var (name, value) in headers) context.Request.Headers.Append(name, value);
        context.Request.Body = body ?? Stream.Null;
        return context.Request;
    }

    /// <summary>Turns a client HttpRequestMessage into the server view of it.</summary>
    public static async Task<HttpRequest> FromMessage(HttpRequestMessage message, Stream? body = null)
    {
        var uri = message.RequestUri!;
        var headers = new List<(string, string)>
        {
            ("Host", message.Headers.Host ?? (uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}")),
        };
        foreach (var (name, values) in message.Headers.NonValidated)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase)) headers.Add((name, values.ToString()));
        }
        if (message.Content is not null)
        {
            foreach (var (name, values) in message.Content.Headers.NonValidated) headers.Add((name, values.ToString()));
            body ??= new MemoryStream(await message.Content.ReadAsByteArrayAsync());
        }
        return Request(message.Method.Method, uri.PathAndQuery, headers, body);
    }

    public static async Task<byte[]> ReadAll(PayloadStream stream, int readSize = 64 * 1024)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) output.Write(buffer, 0, n);
        Assert.True(stream.IsCompleted);
        Assert.Equal(0, await stream.ReadAsync(buffer)); // EOF is sticky
        return output.ToArray();
    }

    public static S3Exception Fails(string code, Action action)
    {
        var e = Assert.Throws<S3Exception>(action);
        Assert.Equal(code, e.Code.Code);
        return e;
    }

    public static async Task<S3Exception> FailsAsync(string code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, e.Code.Code);
        return e;
    }

    public static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));
}
