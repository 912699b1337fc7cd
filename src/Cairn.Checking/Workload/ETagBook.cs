using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.Checking.Workload;

/// <summary>
/// Which value (body) each ETag stands for, so a listing's ETags can be read as values. Filled with the ETag every
/// PUT answer carried and, before each PUT is sent, with the body's MD5 — S3's ETag of a plain single-part upload —
/// so a listing that shows a write whose answer never arrived is still understood.
/// </summary>
public sealed class ETagBook
{
    private readonly ConcurrentDictionary<string, string> values = new(StringComparer.Ordinal);

    public static string Md5ETag(string body) => Normalize(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body))));

    public void Expect(string body) => values.TryAdd(Md5ETag(body), body);

    public void Observed(string? etag, string body)
    {
        if (etag is not null) values.TryAdd(Normalize(etag), body);
    }

    /// <returns>The value the ETag stands for, or null when it stands for no write this run made.</returns>
    public string? ValueOf(string etag) => values.TryGetValue(Normalize(etag), out var value) ? value : null;

    private static string Normalize(string etag) => etag.Trim().Trim('"').ToLowerInvariant();
}
