using System.Globalization;
using System.Security.Cryptography;
using Cairn.Core.Errors;

namespace Cairn.Index.Objects;

/// <summary>
/// Version ids are opaque to clients but carry the commit sequence (so a lookup is one point read)
/// and a random tail (so ids cannot be guessed from timestamps). The tail is drawn by the node that
/// accepts the request and travels in the command, so every replica derives the same id.
/// </summary>
public static class VersionIds
{
    public const string Null = "null";

    /// <summary>The random part of a new id: 16 lowercase hex digits.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string Of(long sequence, string nonce) => sequence.ToString("x16", CultureInfo.InvariantCulture) + nonce;

    /// <summary>The sequence inside a non-null version id; a malformed id is InvalidArgument as in S3.</summary>
    public static long SequenceOf(string versionId)
    {
        if (versionId.Length == 32 && long.TryParse(versionId.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var sequence)
            && versionId.AsSpan(16).ContainsAnyExcept("0123456789abcdef") is false)
            return sequence;
        throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid version id specified")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = "versionId", ["ArgumentValue"] = versionId },
        };
    }
}
