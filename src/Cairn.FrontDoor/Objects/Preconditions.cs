using System.Globalization;
using Cairn.Core.Errors;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Objects;

/// <summary>Conditional request headers evaluated against a version, in RFC 7232's order.</summary>
public static class Preconditions
{
    /// <summary>GET/HEAD: If-Match / If-Unmodified-Since fail with 412; If-None-Match / If-Modified-Since with 304.</summary>
    public static void CheckRead(Func<string, string?> header, VersionRecord version)
    {
        var result = Evaluate(header("If-Match"), header("If-None-Match"), header("If-Modified-Since"), header("If-Unmodified-Since"), version);
        if (result == Outcome.Failed) throw new S3Exception(S3ErrorCode.PreconditionFailed) { Details = new Dictionary<string, string> { ["Condition"] = "If-Match" } };
        if (result == Outcome.NotModified)
            throw new S3Exception(S3ErrorCode.NotModified)
            {
                Headers = new Dictionary<string, string>
                {
                    ["ETag"] = version.ETag,
                    ["Last-Modified"] = version.LastModified.ToString("R", CultureInfo.InvariantCulture),
                },
            };
    }

    /// <summary>CopyObject's x-amz-copy-source-if-* headers: every failure is 412.</summary>
    public static void CheckCopySource(Func<string, string?> header, VersionRecord source)
    {
        var result = Evaluate(header("x-amz-copy-source-if-match"), header("x-amz-copy-source-if-none-match"),
            header("x-amz-copy-source-if-modified-since"), header("x-amz-copy-source-if-unmodified-since"), source);
        if (result != Outcome.Proceed) throw new S3Exception(S3ErrorCode.PreconditionFailed);
    }

    private enum Outcome { Proceed, Failed, NotModified }

    private static Outcome Evaluate(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince, VersionRecord version)
    {
        // HTTP dates have whole seconds; compare at that resolution.
        var modified = DateTimeOffset.FromUnixTimeSeconds(version.LastModified.ToUnixTimeSeconds());
        if (ifMatch is not null)
        {
            if (!EtagMatches(ifMatch, version.ETag)) return Outcome.Failed;
        }
        else if (ifUnmodifiedSince is not null && TryDate(ifUnmodifiedSince, out var unmodifiedSince) && modified > unmodifiedSince)
            return Outcome.Failed;

        if (ifNoneMatch is not null)
        {
            if (EtagMatches(ifNoneMatch, version.ETag)) return Outcome.NotModified;
        }
        else if (ifModifiedSince is not null && TryDate(ifModifiedSince, out var modifiedSince) && modified <= modifiedSince)
            return Outcome.NotModified;
        return Outcome.Proceed;
    }

    private static bool EtagMatches(string header, string etag)
    {
        var bare = etag.Trim('"');
        foreach (var candidate in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var c = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (c == "*" || c.Trim('"') == bare) return true;
        }
        return false;
    }

    private static bool TryDate(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
}
