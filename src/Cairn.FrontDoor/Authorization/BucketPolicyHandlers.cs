using System.Text;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Policies;

namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus. The policy is stored as sent (GetBucketPolicy answers the
/// same JSON) in the bucket setting "policy", after S3's validation (400 MalformedPolicy with S3's message) and Block
/// Public Access's BlockPublicPolicy (a public policy is refused with 403 AccessDenied while it is on).
/// </summary>
public sealed class BucketPolicyHandlers(BucketSettings settings, PolicyCache cache)
{
    public Task HandleAsync(S3Request s3) => s3.Operation switch
    {
        S3Operation.PutBucketPolicy => PutAsync(s3),
        S3Operation.GetBucketPolicy => GetAsync(s3),
        S3Operation.DeleteBucketPolicy => DeleteAsync(s3),
        _ => GetStatusAsync(s3),
    };

    public static bool Serves(S3Operation operation) => operation is S3Operation.PutBucketPolicy or S3Operation.GetBucketPolicy
        or S3Operation.DeleteBucketPolicy or S3Operation.GetBucketPolicyStatus;

    private async Task PutAsync(S3Request s3)
    {
        var (bucket, documents) = await settings.GetManyAsync(s3.Bucket!, [PublicAccessBlock.SettingName], s3.Aborted).ConfigureAwait(false);
        if (bucket is null) throw BucketCatalog.NoSuchBucket(s3.Bucket!);
        var body = await SmallBody.ReadVerifiedAsync(s3, BodyIntegrity.Optional, BodyLimit.BucketPolicy).ConfigureAwait(false);
        string text;
        PolicyDocument policy;
        try
        {
            text = new UTF8Encoding(false, true).GetString(body);
            policy = PolicyParser.Parse(text, PolicyKind.Bucket, s3.Bucket);
        }
        catch (MalformedPolicyException e)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, e.Message);
        }
        catch (DecoderFallbackException)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy);
        }

        if (PublicAccessBlock.FromStored(documents[0]).BlockPublicPolicy && PolicyPublicity.IsPublic(policy))
        {
            throw new S3Exception(S3ErrorCode.AccessDenied,
                $"User: {s3.Authorization.Principal.Arn} is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::{s3.Bucket}\" " +
                "because public policies are blocked by the BlockPublicPolicy block public access setting.");
        }

        await settings.PutAsync(s3.Bucket!, Authorizer.PolicySetting, text, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }

    private async Task GetAsync(S3Request s3)
    {
        var text = await StoredAsync(s3).ConfigureAwait(false) ?? throw NoSuchBucketPolicy(s3.Bucket!);
        var bytes = Encoding.UTF8.GetBytes(text);
        s3.Response.StatusCode = 200;
        s3.Response.ContentType = "application/json";
        s3.Response.ContentLength = bytes.Length;
        await s3.Response.Body.WriteAsync(bytes, s3.Aborted).ConfigureAwait(false);
    }

    private async Task DeleteAsync(S3Request s3)
    {
        // S3 answers 204 whether or not the bucket had a policy.
        await StoredAsync(s3).ConfigureAwait(false);
        await settings.PutAsync(s3.Bucket!, Authorizer.PolicySetting, null, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }

    /// <summary>PolicyStatus/IsPublic, as S3 defines "public" (<see cref="PolicyPublicity"/>); NoSuchBucketPolicy without a policy.</summary>
    private async Task GetStatusAsync(S3Request s3)
    {
        var text = await StoredAsync(s3).ConfigureAwait(false) ?? throw NoSuchBucketPolicy(s3.Bucket!);
        using var xml = new S3Xml("PolicyStatus");
        xml.Element("IsPublic", PolicyPublicity.IsPublic(cache.Get(text, PolicyKind.Bucket)));
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    private async Task<string?> StoredAsync(S3Request s3)
    {
        var (bucket, document) = await settings.GetAsync(s3.Bucket!, Authorizer.PolicySetting, s3.Aborted).ConfigureAwait(false);
        return bucket is null ? throw BucketCatalog.NoSuchBucket(s3.Bucket!) : document;
    }

    private static S3Exception NoSuchBucketPolicy(string bucket) =>
        new(S3ErrorCode.NoSuchBucketPolicy) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
}
