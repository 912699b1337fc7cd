using Amazon.S3.Model;

namespace Cairn.WebConsole.S3;

/// <summary>One row of a listing page: a folder (common prefix) or an object.</summary>
public sealed record ListingEntry(string Key, string Name, bool IsFolder, long Size, DateTime? LastModified, string? StorageClass);

/// <summary>
/// One page of a bucket under a prefix: a single ListObjectsV2 with delimiter <c>/</c>, so its cost does not depend on
/// how many objects the prefix holds. Sort and search act on this page's entries alone.
/// </summary>
public sealed record ListingPage(IReadOnlyList<ListingEntry> Entries, int Loaded, string? NextToken)
{
    public const int DefaultSize = 200;

    public static async Task<ListingPage> ReadAsync(Amazon.S3.IAmazonS3 s3, string bucket, string prefix, string? token, int size, CancellationToken cancellationToken)
    {
        var response = await s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucket,
            Prefix = prefix.Length == 0 ? null : prefix,
            Delimiter = "/",
            MaxKeys = Math.Clamp(size, 100, 1000),
            ContinuationToken = string.IsNullOrEmpty(token) ? null : token,
        }, cancellationToken).ConfigureAwait(false);
        var folders = (response.CommonPrefixes ?? []).Select(p => new ListingEntry(p, p[prefix.Length..], true, 0, null, null));
        var objects = (response.S3Objects ?? []).Where(o => o.Key != prefix) // the folder's own marker object
            .Select(o => new ListingEntry(o.Key, o.Key[prefix.Length..], false, o.Size ?? 0, o.LastModified, o.StorageClass?.Value));
        var entries = folders.Concat(objects).ToArray();
        return new ListingPage(entries, entries.Length, response.IsTruncated == true ? response.NextContinuationToken : null);
    }

    /// <summary>This page's entries containing <paramref name="search"/>, sorted; folders first.</summary>
    public IReadOnlyList<ListingEntry> Arrange(string? search, string? sort, bool descending)
    {
        IEnumerable<ListingEntry> entries = Entries;
        if (!string.IsNullOrWhiteSpace(search)) entries = entries.Where(e => e.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
        Func<ListingEntry, IComparable?> by = sort switch
        {
            "size" => e => e.Size,
            "modified" => e => e.LastModified,
            _ => e => e.Name,
        };
        var ordered = entries.OrderBy(e => e.IsFolder ? 0 : 1);
        ordered = descending ? ordered.ThenByDescending(by) : ordered.ThenBy(by);
        return ordered.ToArray();
    }
}
