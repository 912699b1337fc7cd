using System.Text;
using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Encryption;

/// <summary>
/// A bucket's default encryption (Put/Get/DeleteBucketEncryption): a ServerSideEncryptionConfiguration of one rule,
/// SSE-S3 (AES256) or SSE-KMS (aws:kms with an optional KMSMasterKeyID) and BucketKeyEnabled. As in S3 since January
/// 2023, a bucket without one encrypts new objects with SSE-S3 and GetBucketEncryption answers that default (unless the
/// server runs with --default-encryption none, when there is no default and GET answers 404).
/// </summary>
public static class BucketEncryption
{
    public static BucketSetting Setting(bool encryptByDefault) => new(IndexKeys.EncryptionSetting, Normalize)
    {
        Missing = S3ErrorCode.ServerSideEncryptionConfigurationNotFoundError,
        Default = encryptByDefault ? Document(ObjectEncryption.Aes256, null, false) : null,
        Integrity = Objects.BodyIntegrity.Required,
    };

    /// <summary>What the document asks of a write that asks nothing itself; with no document, SSE-S3 or nothing.</summary>
    public static RequestedEncryption Default(string? document, bool encryptByDefault)
    {
        if (document is null) return encryptByDefault ? RequestedEncryption.None with { Algorithm = ObjectEncryption.Aes256 } : RequestedEncryption.None;
        var rule = XDocument.Parse(document).Root!.Child("Rule")!;
        var byDefault = rule.Child("ApplyServerSideEncryptionByDefault")!;
        return RequestedEncryption.None with
        {
            Algorithm = byDefault.Child("SSEAlgorithm")!.Value,
            KmsKeyId = byDefault.Child("KMSMasterKeyID")?.Value,
            BucketKeyEnabled = rule.Child("BucketKeyEnabled")?.Value == "true",
        };
    }

    private static string? Normalize(XDocument document)
    {
        var root = document.Root;
        if (root?.Name.LocalName != "ServerSideEncryptionConfiguration") throw new S3Exception(S3ErrorCode.MalformedXML);
        var rules = root.Elements().Where(e => e.Name.LocalName == "Rule").ToList();
        if (rules.Count != 1) throw new S3Exception(S3ErrorCode.MalformedXML);
        var byDefault = rules[0].Child("ApplyServerSideEncryptionByDefault") ?? throw new S3Exception(S3ErrorCode.MalformedXML);
        var algorithm = byDefault.Child("SSEAlgorithm")?.Value ?? throw new S3Exception(S3ErrorCode.MalformedXML);
        var keyId = byDefault.Child("KMSMasterKeyID")?.Value;
        if (algorithm == "aws:kms:dsse")
            throw new S3Exception(S3ErrorCode.NotImplemented, "Dual-layer server-side encryption (aws:kms:dsse) is not supported.");
        if (algorithm is not (ObjectEncryption.Aes256 or ObjectEncryption.Kms)) throw new S3Exception(S3ErrorCode.MalformedXML);
        if (keyId is not null && algorithm != ObjectEncryption.Kms)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse");
        var bucketKey = rules[0].Child("BucketKeyEnabled")?.Value switch
        {
            null or "false" => false,
            "true" => true,
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        };
        return Document(algorithm, string.IsNullOrEmpty(keyId) ? null : keyId, bucketKey);
    }

    private static string Document(string algorithm, string? keyId, bool bucketKey)
    {
        using var xml = new S3Xml("ServerSideEncryptionConfiguration");
        xml.Open("Rule").Open("ApplyServerSideEncryptionByDefault").Element("SSEAlgorithm", algorithm);
        if (keyId is not null) xml.Element("KMSMasterKeyID", keyId);
        xml.Close().Element("BucketKeyEnabled", bucketKey).Close();
        return Encoding.UTF8.GetString(xml.ToBytes());
    }
}
