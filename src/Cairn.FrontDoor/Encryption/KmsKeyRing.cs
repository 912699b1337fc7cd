using Cairn.Auth;
using Cairn.Core.Errors;

namespace Cairn.FrontDoor.Encryption;

/// <summary>
/// The KMS keys SSE-KMS may name, kept locally: the AWS managed key <c>aws/s3</c> (used when a request names none) and
/// the keys the server was started with (<c>--kms-key ID</c> or <c>--kms-key alias/NAME=ID</c>). A key is named as S3
/// accepts it: its id, its ARN <c>arn:aws:kms:REGION:ACCOUNT:key/ID</c>, an alias <c>alias/NAME</c> or an alias ARN.
/// A key has no material of its own here: data keys are sealed by the master key ring with a purpose naming the key.
/// </summary>
public sealed class KmsKeyRing
{
    /// <summary>The id of the AWS managed key aws/s3 (a fixed UUID: every node names it the same).</summary>
    public const string AwsManagedKeyId = "5a3d52e4-0c3e-4b8f-9d5e-5a3d52e40000";
    public const string AwsManagedAlias = "alias/aws/s3";

    private readonly string region;
    private readonly HashSet<string> keyIds = new(StringComparer.Ordinal) { AwsManagedKeyId };
    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal) { [AwsManagedAlias] = AwsManagedKeyId };

    public KmsKeyRing(FrontDoorOptions options)
    {
        region = options.Region;
        foreach (var entry in options.KmsKeys)
        {
            var (alias, id) = entry.Split('=', 2) is [var a, var i] ? (a, i) : ((string?)null, entry);
            if (id.Length == 0 || id.Contains('/') || id.Contains(':')) throw new ArgumentException($"--kms-key '{entry}': a key id must be a plain name (e.g. a UUID).");
            keyIds.Add(id);
            if (alias is null) continue;
            if (!alias.StartsWith("alias/", StringComparison.Ordinal) || alias.StartsWith("alias/aws/", StringComparison.Ordinal))
                throw new ArgumentException($"--kms-key '{entry}': an alias is alias/NAME, and alias/aws/ is reserved.");
            aliases[alias] = id;
        }
    }

    public string Arn(string keyId) => $"arn:aws:kms:{region}:{Principal.AccountId}:key/{keyId}";

    public string DefaultKeyArn => Arn(AwsManagedKeyId);

    /// <summary>The ARN of the key <paramref name="name"/> names (null or empty: aws/s3); KMS.NotFoundException when there is none.</summary>
    public string Resolve(string? name)
    {
        if (string.IsNullOrEmpty(name)) return DefaultKeyArn;
        var local = name;
        var arnPrefix = $"arn:aws:kms:{region}:{Principal.AccountId}:";
        if (name.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!name.StartsWith(arnPrefix, StringComparison.Ordinal)) throw NotFound(name);
            local = name[arnPrefix.Length..];
            if (local.StartsWith("key/", StringComparison.Ordinal)) local = local["key/".Length..];
            else if (!local.StartsWith("alias/", StringComparison.Ordinal)) throw NotFound(name);
        }
        if (aliases.TryGetValue(local, out var aliased)) return Arn(aliased);
        if (keyIds.Contains(local)) return Arn(local);
        // As S3 words it: a key named by id or ARN "does not exist"; any other name (an unknown alias) is an invalid keyId.
        throw local.StartsWith("alias/", StringComparison.Ordinal) ? NotFound(name) : new S3Exception(NotFoundCode, $"Key '{Arn(local)}' does not exist");
    }

    private static readonly S3ErrorCode NotFoundCode = new("KMS.NotFoundException", 400, "Invalid keyId");

    private static S3Exception NotFound(string name) => new(NotFoundCode, $"Invalid keyId {name}");
}
