using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Buckets;

/// <summary>ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation, Get/PutBucketVersioning.</summary>
public sealed class BucketHandlers(BucketCatalog buckets, FrontDoorOptions options, Owner owner)
{
    /// <summary>
    /// ListBuckets in name order. With prefix, bucket-region, max-buckets (1–10000) or continuation-token a page of at
    /// most max-buckets (default 10000), with Prefix as sent and, when more follow, the ContinuationToken of the next.
    /// </summary>
    public async Task ListAsync(S3Request s3)
    {
        var page = BucketPage.From(s3.Query, options.Region);
        var listed = (await buckets.ListAsync(s3.Aborted).ConfigureAwait(false)).Where(page.Includes).ToList();
        using var xml = new S3Xml("ListAllMyBucketsResult");
        xml.Open("Owner").Element("ID", owner.Id).Element("DisplayName", owner.DisplayName).Close();
        xml.Open("Buckets");
        foreach (var bucket in listed.Take(page.MaxBuckets))
            xml.Open("Bucket").Element("Name", bucket.Name).Element("CreationDate", bucket.Created).Element("BucketRegion", bucket.Region).Close();
        xml.Close();
        // ContinuationToken before Prefix, as in the ListBuckets reference.
        if (listed.Count > page.MaxBuckets) xml.Element("ContinuationToken", BucketPage.TokenAfter(listed[page.MaxBuckets - 1].Name));
        xml.Element("Prefix", page.Prefix);
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task CreateAsync(S3Request s3)
    {
        var name = BucketName.Parse(s3.Bucket!).Value;
        var settings = Acl.OwnershipControls.ForNewBucket(s3.Request.Headers, owner.Id);
        var body = await SmallBody.ReadAsync(s3, BodyLimit.Configuration).ConfigureAwait(false);
        if (body.Length > 0)
        {
            var doc = S3XmlBody.Parse(body);
            var constraint = doc.Root?.Child("LocationConstraint")?.Value;
            if (!string.IsNullOrEmpty(constraint) && constraint != options.Region)
                throw new S3Exception(S3ErrorCode.InvalidArgument with { Code = "InvalidLocationConstraint" },
                    $"The specified location-constraint is not valid; this endpoint serves {options.Region}.");
        }
        // Block Public Access all on, and the ownership controls (and ACL) the request asks for.
        await buckets.CreateAsync(name, owner.Id, options.Region, ObjectLockEnabled(s3), new Dictionary<string, string>(NewBucketSettings.Concat(settings)), s3.Aborted)
            .ConfigureAwait(false);
        s3.Response.Headers.Location = "/" + name;
        s3.Response.StatusCode = 200;
    }

    /// <summary>What a new bucket starts with, as S3 creates buckets since April 2023: Block Public Access all on.</summary>
    private static readonly IReadOnlyDictionary<string, string> NewBucketSettings = new Dictionary<string, string>
    {
        [Authorization.PublicAccessBlock.SettingName] = Authorization.PublicAccessBlock.AllOn.ToXml(),
    };

    /// <summary>x-amz-bucket-object-lock-enabled: true creates the bucket with Object Lock (and versioning); false or none without.</summary>
    private static bool ObjectLockEnabled(S3Request s3) => s3.Header("x-amz-bucket-object-lock-enabled")?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" => false,
        "true" => true,
        var other => throw new S3Exception(S3ErrorCode.InvalidArgument, "x-amz-bucket-object-lock-enabled must be true or false.")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-bucket-object-lock-enabled", ["ArgumentValue"] = other },
        },
    };

    public async Task HeadAsync(S3Request s3)
    {
        var bucket = await RequireValidAsync(s3).ConfigureAwait(false);
        s3.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        s3.Response.StatusCode = 200;
    }

    public async Task DeleteAsync(S3Request s3)
    {
        await RequireValidAsync(s3).ConfigureAwait(false);
        await buckets.DeleteAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 204;
    }

    public async Task GetLocationAsync(S3Request s3)
    {
        var bucket = await RequireValidAsync(s3).ConfigureAwait(false);
        using var xml = new S3Xml("LocationConstraint");
        // S3 answers an empty constraint for us-east-1.
        await (bucket.Region == "us-east-1" ? xml : xml.Text(bucket.Region)).WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task GetVersioningAsync(S3Request s3)
    {
        var bucket = await RequireValidAsync(s3).ConfigureAwait(false);
        using var xml = new S3Xml("VersioningConfiguration");
        if (bucket.Versioning != VersioningState.Unversioned) xml.Element("Status", bucket.Versioning.ToString());
        await xml.WriteToAsync(s3.Response).ConfigureAwait(false);
    }

    public async Task PutVersioningAsync(S3Request s3)
    {
        await RequireValidAsync(s3).ConfigureAwait(false);
        var doc = S3XmlBody.Parse(await SmallBody.ReadAsync(s3, BodyLimit.Configuration).ConfigureAwait(false));
        if (doc.Root?.Name.LocalName != "VersioningConfiguration") throw new S3Exception(S3ErrorCode.MalformedXML);
        var status = doc.Root.Child("Status")?.Value;
        var mfa = doc.Root.Child("MfaDelete")?.Value;
        if (mfa == "Enabled") throw new S3Exception(S3ErrorCode.NotImplemented, "MFA Delete is not supported.");
        VersioningState? state = status switch
        {
            "Enabled" => VersioningState.Enabled,
            "Suspended" => VersioningState.Suspended,
            // An empty configuration leaves the state as it is, as in S3.
            null => null,
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        };
        // Only the state changes, in the shard: a racing DeleteBucket or configuration change is never undone.
        if (state is { } changed) await buckets.PutVersioningAsync(s3.Bucket!, changed, s3.Aborted).ConfigureAwait(false);
        s3.Response.StatusCode = 200;
    }

    private async Task<BucketRecord> RequireValidAsync(S3Request s3)
    {
        if (!BucketName.IsValid(s3.Bucket!)) throw BucketCatalog.NoSuchBucket(s3.Bucket!);
        return await buckets.RequireAsync(s3.Bucket!, s3.Aborted).ConfigureAwait(false);
    }
}

/// <summary>The single owner of every bucket in this store: the root credentials' canonical user.</summary>
public sealed record Owner(string Id, string DisplayName);
