using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Which S3 checksums a PUT asks for and what values it claims: from x-amz-checksum-* headers,
/// from a declared trailer (X-Amz-Trailer) whose value arrives after the body, or from
/// x-amz-sdk-checksum-algorithm alone.
/// </summary>
public sealed class ChecksumRequest
{
    private readonly Dictionary<ChecksumAlgorithm, string?> claimed = [];

    public IReadOnlyCollection<ChecksumAlgorithm> Algorithms => claimed.Keys;

    /// <param name="extra">An algorithm to compute even if the request names none (a multipart upload's).</param>
    public static ChecksumRequest From(HttpRequest request, ChecksumAlgorithm? extra = null) => From(request.Headers, extra);

    /// <summary>The same from any set of header-named values (a POST form's fields).</summary>
    public static ChecksumRequest From(IHeaderDictionary headers, ChecksumAlgorithm? extra = null)
    {
        var result = new ChecksumRequest();
        if (extra is { } always) result.claimed[always] = null;
        foreach (var (name, value) in headers)
            if (ChecksumAlgorithms.TryParseHeader(name, out var algorithm))
                result.claimed[algorithm] = value.ToString();
        var trailer = headers["x-amz-trailer"].ToString();
        foreach (var name in trailer.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (ChecksumAlgorithms.TryParseHeader(name, out var algorithm))
                result.claimed.TryAdd(algorithm, null);
        if (ChecksumAlgorithms.TryParse(headers["x-amz-sdk-checksum-algorithm"].ToString(), out var sdk))
            result.claimed.TryAdd(sdk, null);
        else if (headers.ContainsKey("x-amz-sdk-checksum-algorithm"))
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
        if (result.claimed.Count > 1 && result.claimed.Values.Count(v => v is not null) > 1)
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        return result;
    }

    /// <summary>The algorithm x-amz-checksum-algorithm names (CreateMultipartUpload, CopyObject); null when absent.</summary>
    public static ChecksumAlgorithm? Algorithm(string? name)
    {
        if (name is null) return null;
        return ChecksumAlgorithms.TryParse(name, out var parsed)
            ? parsed
            : throw new S3Exception(S3ErrorCode.InvalidRequest, "Checksum algorithm provided is unsupported.");
    }

    /// <summary>Checks computed digests against the claimed values (headers, then trailers); mismatch is BadDigest.</summary>
    public Dictionary<string, string> Verify(IReadOnlyDictionary<ChecksumAlgorithm, string> computed, IReadOnlyDictionary<string, string> trailers)
    {
        var stored = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (algorithm, value) in computed)
        {
            var expected = claimed.GetValueOrDefault(algorithm) ?? trailers.GetValueOrDefault(algorithm.HeaderName());
            if (expected is not null && expected != value)
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {algorithm.Name()} you specified did not match the calculated checksum.");
            stored[algorithm.Name()] = value;
        }
        return stored;
    }
}
