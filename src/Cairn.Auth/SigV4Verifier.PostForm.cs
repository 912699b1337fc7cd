using System.Security.Cryptography;
using Cairn.Auth.Internal;
using Cairn.Core.Errors;

namespace Cairn.Auth;

public sealed partial class SigV4Verifier
{
    /// <summary>
    /// Authenticates a browser POST form: the SigV4 signature of its base64 policy under the signing key of the
    /// form's credential scope (StringToSign is the policy itself). Returns null for a form that carries no
    /// credentials at all (anonymous); throws <see cref="S3Exception"/> on every failure. The policy's
    /// expiration and conditions are the caller's to check once the signature holds.
    /// </summary>
    public AuthResult? AuthenticatePostForm(PostFormSignature form)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (form.IsAnonymous) return null;
        if (form.Algorithm is null && form.V2AccessKeyId is not null)
            throw new S3Exception(S3ErrorCode.InvalidRequest, AuthorizationHeader.UnsupportedMechanism);

        string policy = form.Policy ?? throw MissingField("policy");
        string algorithm = form.Algorithm ?? throw MissingField("x-amz-algorithm");
        string credential = form.Credential ?? throw MissingField("x-amz-credential");
        string signature = form.Signature ?? throw MissingField("x-amz-signature");
        string date = form.Date ?? throw MissingField("x-amz-date");

        if (algorithm != SigV4Constants.Algorithm)
            throw InvalidField("x-amz-algorithm", algorithm, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        if (!CredentialScope.TryParse(credential, out var scope))
        {
            throw InvalidField("x-amz-credential", credential,
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }
        if (!AllowedServices.Contains(scope.Service))
            throw InvalidField("x-amz-credential", credential, $"Error parsing the X-Amz-Credential parameter; incorrect service \"{scope.Service}\".");
        if (!AmzDate.TryParseIso(date, out var time))
            throw InvalidField("x-amz-date", date, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        if (scope.Date != date[..8])
            throw InvalidField("x-amz-credential", credential, "Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.");

        // A form signed with temporary credentials would name its session token in a field this signature does not carry yet.
        var stored = Find(scope.AccessKey, sessionToken: null);
        string secret = stored.Secret;
        byte[] expected = SigningKey.Sign(SigningKey.Derive(secret, scope.Date, scope.Region, scope.Service), policy);
        Span<byte> provided = stackalloc byte[32];
        if (!Hex.TryDecode(signature, provided) || !CryptographicOperations.FixedTimeEquals(expected, provided))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch)
            {
                Details = new Dictionary<string, string>
                {
                    ["AWSAccessKeyId"] = scope.AccessKey,
                    ["StringToSign"] = policy,
                    ["SignatureProvided"] = signature,
                },
            };
        }
        return new AuthResult
        {
            AccessKey = scope.AccessKey,
            Principal = stored.Principal,
            PayloadMode = PayloadMode.Unsigned,
            Region = scope.Region,
            RequestTime = time,
        };
    }

    /// <summary>S3's answer when a field the form needs is missing (or came after the file, where nothing is read).</summary>
    public static S3Exception MissingField(string name) =>
        new(S3ErrorCode.InvalidArgument, $"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = "" },
        };

    private static S3Exception InvalidField(string name, string value, string message) =>
        new(S3ErrorCode.InvalidArgument, message)
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = value },
        };
}
