namespace Cairn.Auth.Internal;

internal static class SigV4Constants
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSigned = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public const string EmptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";
    public const string ContentSha256Header = "x-amz-content-sha256";
    public const string DecodedLengthHeader = "x-amz-decoded-content-length";
    public const int MaxPresignExpirySeconds = 604_800;

    /// <summary>AWS rejects requests whose time is more than 15 minutes from the server's.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);
}
