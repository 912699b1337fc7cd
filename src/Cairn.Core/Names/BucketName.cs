using System.Net;
using Cairn.Core.Errors;

namespace Cairn.Core.Names;

/// <summary>A bucket name that satisfies AWS's general-purpose bucket naming rules.</summary>
public readonly record struct BucketName
{
    public string Value { get; }

    private BucketName(string value) => Value = value;

    public override string ToString() => Value;

    public static BucketName Parse(string name) =>
        IsValid(name) ? new BucketName(name) : throw new S3Exception(S3ErrorCode.InvalidBucketName, resource: name)
        {
            Details = new Dictionary<string, string> { ["BucketName"] = name },
        };

    /// <summary>3–63 chars of a-z 0-9 . -; starts and ends with a letter or digit; no "..";
    /// not an IP address; none of AWS's reserved prefixes and suffixes.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is < 3 or > 63) return false;
        foreach (var c in name)
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-')) return false;
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1])) return false;
        if (name.Contains("..", StringComparison.Ordinal)) return false;
        if (name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal)) return false;
        if (IPAddress.TryParse(name, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && name.Count(c => c == '.') == 3) return false;
        if (name.StartsWith("xn--", StringComparison.Ordinal) || name.StartsWith("sthree-", StringComparison.Ordinal)
            || name.StartsWith("amzn-s3-demo-", StringComparison.Ordinal)) return false;
        if (name.EndsWith("-s3alias", StringComparison.Ordinal) || name.EndsWith("--ol-s3", StringComparison.Ordinal)
            || name.EndsWith(".mrap", StringComparison.Ordinal) || name.EndsWith("--x-s3", StringComparison.Ordinal)) return false;
        return true;
    }
}
