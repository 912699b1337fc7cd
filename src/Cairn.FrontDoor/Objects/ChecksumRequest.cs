using Cairn.Core.Checksums;
using Cairn.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Which S3 checksums a PUT asks for and what values it claims: from x-amz-checksum-* headers (or, in a presigned
/// URL, query parameters of the same names, which the signature covers), from a declared trailer (X-Amz-Trailer) whose
/// value arrives after the body, or from x-amz-sdk-checksum-algorithm alone.
/// </summary>
public sealed class ChecksumRequest
{
    private readonly Dictionary<ChecksumAlgorithm, string?> claimed = [];

    public IReadOnlyCollection<ChecksumAlgorithm> Algorithms => claimed.Keys;

    /// <summary>Whether a checksum value comes with the request (a header, a presigned query parameter or a declared trailer).</summary>
    public bool ValueSent { get; private set; }

    /// <param name="extra">An algorithm to compute even if the request names none (a multipart upload's).</param>
    public static ChecksumRequest From(HttpRequest request, ChecksumAlgorithm? extra = null) =>
        // A presigned URL carries its checksum in the query (the JS SDK v3 puts one there by default); it is verified and
        // stored as the header would be. Any other request's query is not signed for this and is not read.
        From(request.Headers, request.Query.ContainsKey("X-Amz-Signature") ? request.Query : null, extra);

    /// <summary>The same from any set of header-named values (a POST form's fields).</summary>
    public static ChecksumRequest From(IHeaderDictionary headers, ChecksumAlgorithm? extra = null) => From(headers, null, extra);

    private static ChecksumRequest From(IHeaderDictionary headers, IQueryCollection? signedQuery, ChecksumAlgorithm? extra)
    {
        var result = new ChecksumRequest();
        if (extra is { } always) result.claimed[always] = null;
        var sdkAlgorithm = headers["x-amz-sdk-checksum-algorithm"];
        foreach (var (name, value) in headers) result.ClaimValue(name, value.ToString());
        if (signedQuery is not null)
        {
            foreach (var (name, value) in signedQuery) result.ClaimValue(name, value.ToString());
            if (sdkAlgorithm.Count == 0) sdkAlgorithm = signedQuery["x-amz-sdk-checksum-algorithm"];
        }
        var trailer = headers["x-amz-trailer"].ToString();
        foreach (var name in trailer.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            if (ChecksumAlgorithms.TryParseHeader(name, out var algorithm))
            {
                result.claimed.TryAdd(algorithm, null);
                result.ValueSent = true;
            }
        if (ChecksumAlgorithms.TryParse(sdkAlgorithm.ToString(), out var sdk))
            result.claimed.TryAdd(sdk, null);
        else if (sdkAlgorithm.Count > 0)
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
        if (result.claimed.Count > 1 && result.claimed.Values.Count(v => v is not null) > 1)
            throw MultipleChecksums();
        return result;
    }

    private void ClaimValue(string name, string value)
    {
        if (!ChecksumAlgorithms.TryParseHeader(name, out var algorithm)) return;
        if (claimed.TryGetValue(algorithm, out var earlier) && earlier is not null && earlier != value) throw MultipleChecksums();
        claimed[algorithm] = value;
        ValueSent = true;
    }

    private static S3Exception MultipleChecksums() =>
        new(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");

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
