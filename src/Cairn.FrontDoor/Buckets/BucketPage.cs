using System.Globalization;
using System.Text;
using Cairn.Core.Errors;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Buckets;

/// <summary>
/// ListBuckets' paging parameters: prefix, bucket-region, max-buckets and continuation-token (an opaque token naming
/// the last bucket of the page before), refused with S3's InvalidArgument when they cannot be read.
/// </summary>
public sealed record BucketPage(string? Prefix, string? Region, string? After, int MaxBuckets)
{
    public const int MaxPage = 10_000;

    public static BucketPage From(IQueryCollection query, string servedRegion)
    {
        var max = MaxPage;
        if (query.TryGetValue("max-buckets", out var maxText))
        {
            if (!int.TryParse(maxText.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out max))
                throw Invalid("Provided max-buckets not an integer or within integer range", "max-buckets", maxText.ToString());
            if (max is < 1 or > MaxPage) throw Invalid($"Argument max-buckets must be an integer between 1 and {MaxPage}", "max-buckets", maxText.ToString());
        }
        var region = query.TryGetValue("bucket-region", out var regionText) ? regionText.ToString() : null;
        // One endpoint serves one region: asking it for another's buckets is S3's refusal for the wrong regional endpoint.
        if (region is not null && !region.Equals(servedRegion, StringComparison.OrdinalIgnoreCase))
            throw Invalid("Requests with bucket-region specified must be made to the corresponding regional endpoint", "bucket-region", region);
        string? after = null;
        if (query.TryGetValue("continuation-token", out var token) && token.ToString().Length > 0)
            after = Decode(token.ToString()) ?? throw Invalid("The continuation token provided is incorrect", "continuation-token", token.ToString());
        return new BucketPage(query.TryGetValue("prefix", out var prefix) ? prefix.ToString() : null, region, after, max);
    }

    public bool Includes(BucketRecord bucket) =>
        bucket.Name.StartsWith(Prefix ?? "", StringComparison.Ordinal)
        && (After is null || string.CompareOrdinal(bucket.Name, After) > 0)
        && (Region is null || bucket.Region.Equals(Region, StringComparison.OrdinalIgnoreCase));

    /// <summary>The token that resumes after <paramref name="name"/>: opaque to clients, the name in base64url.</summary>
    public static string TokenAfter(string name) => Convert.ToBase64String(Encoding.UTF8.GetBytes(name)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Decode(string token)
    {
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try
        {
            var name = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            return Core.Names.BucketName.IsValid(name) ? name : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static S3Exception Invalid(string message, string argument, string value) => new(S3ErrorCode.InvalidArgument, message)
    {
        Details = new Dictionary<string, string> { ["ArgumentName"] = argument, ["ArgumentValue"] = value },
    };
}
