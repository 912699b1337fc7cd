namespace Cairn.Auth;

/// <summary>
/// The authentication fields of a browser POST form (S3 PostObject), as the form sent them: null when absent.
/// The form's signature covers its base64 policy document, not the request, so the request itself is unsigned.
/// </summary>
public sealed record PostFormSignature
{
    /// <summary>The base64 policy document (field "policy"), exactly as sent: it is the string that was signed.</summary>
    public string? Policy { get; init; }

    /// <summary>x-amz-algorithm: AWS4-HMAC-SHA256.</summary>
    public string? Algorithm { get; init; }

    /// <summary>x-amz-credential: AKID/yyyymmdd/region/s3/aws4_request.</summary>
    public string? Credential { get; init; }

    /// <summary>x-amz-date, the ISO 8601 basic time whose day the credential scope names.</summary>
    public string? Date { get; init; }

    /// <summary>x-amz-signature: hex HMAC-SHA256 of the policy under the scope's signing key.</summary>
    public string? Signature { get; init; }

    /// <summary>AWSAccessKeyId, the field of a Signature Version 2 form (which Cairn refuses, as it does SigV2 elsewhere).</summary>
    public string? V2AccessKeyId { get; init; }

    public bool IsAnonymous => Policy is null && Algorithm is null && Credential is null && Signature is null && V2AccessKeyId is null;
}
