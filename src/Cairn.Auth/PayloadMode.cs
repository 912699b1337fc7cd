namespace Cairn.Auth;

/// <summary>How the request body is protected, decided by the x-amz-content-sha256 value.</summary>
public enum PayloadMode
{
    /// <summary>UNSIGNED-PAYLOAD: the body is passed through untouched.</summary>
    Unsigned,

    /// <summary>A hex SHA-256 of the whole body was signed; the body is hashed and compared at EOF.</summary>
    SignedSha256,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked with a signature per chunk.</summary>
    StreamingSigned,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks plus signed trailing headers.</summary>
    StreamingSignedTrailer,

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without signatures, with trailing headers.</summary>
    StreamingUnsignedTrailer,
}
