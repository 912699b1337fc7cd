using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cairn.Fuzz.Tests.Engine;

/// <summary>
/// An HTTP/1.1 request as bytes (request line, header lines, blank line, body) turned into the server's view of it,
/// as Kestrel would present it. Lines Kestrel itself refuses (a header without a colon, a name that is no token, a
/// control character in a value) are dropped, so the parsers only see what could reach them.
/// </summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public static RawRequest Parse(byte[] input)
    {
        var span = input.AsSpan();
        int split = span.IndexOf("\r\n\r\n"u8);
        int skip = 4;
        if (split < 0)
        {
            split = span.IndexOf("\n\n"u8);
            skip = 2;
        }
        var head = split < 0 ? span : span[..split];
        var body = split < 0 ? [] : span[(split + skip)..].ToArray();
        // Kestrel reads header bytes as Latin-1 when they are not ASCII: every byte is some character.
        var lines = Encoding.Latin1.GetString(head).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var requestLine = lines[0].Split(' ');
        string method = requestLine[0].Length > 0 && requestLine[0].All(IsTokenChar) ? requestLine[0] : "GET";
        string target = requestLine.Length > 1 && requestLine[1].Length > 0 && requestLine[1].All(c => c > ' ' && c != 0x7F) ? requestLine[1] : "/";
        var headers = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (!name.All(IsTokenChar) || value.Any(c => c < ' ' && c != '\t' || c == 0x7F)) continue;
            headers.Add((name, value));
        }
        return new RawRequest(method, target, headers, body);
    }

    public HttpRequest ToHttpRequest(Stream? body = null)
    {
        var context = new DefaultHttpContext();
        var feature = context.Features.Get<IHttpRequestFeature>()!;
        feature.Method = Method;
        feature.RawTarget = Target;
        int q = Target.IndexOf('?');
        var path = q < 0 ? Target : Target[..q];
        feature.Path = Uri.UnescapeDataString(path.StartsWith('/') ? path : "/" + path);
        feature.QueryString = q < 0 ? "" : Target[q..];
        foreach (var (name, value) in Headers) context.Request.Headers.Append(name, value);
        context.Request.Body = body ?? new MemoryStream(Body);
        return context.Request;
    }

    private static bool IsTokenChar(char c) =>
        c is > ' ' and < (char)0x7F && "\"(),/:;<=>?@[\\]{}".IndexOf(c) < 0;
}
