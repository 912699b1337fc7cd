using Cairn.Core.Errors;
using Cairn.Core.Names;

namespace Cairn.FrontDoor.Objects;

/// <summary>Parses x-amz-copy-source: "[/]bucket/key[?versionId=id]", URL-encoded.</summary>
public static class CopySource
{
    public static (string Bucket, string Key, string? VersionId) Parse(string header)
    {
        string? versionId = null;
        var q = header.IndexOf('?');
        if (q >= 0)
        {
            foreach (var pair in header[(q + 1)..].Split('&'))
                if (pair.StartsWith("versionId=", StringComparison.Ordinal)) versionId = Uri.UnescapeDataString(pair["versionId=".Length..]);
            header = header[..q];
        }
        var path = Uri.UnescapeDataString(header).TrimStart('/');
        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1)
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-copy-source", ["ArgumentValue"] = header },
            };
        var bucket = path[..slash];
        if (!BucketName.IsValid(bucket)) throw new S3Exception(S3ErrorCode.InvalidBucketName);
        return (bucket, ObjectKey.Parse(path[(slash + 1)..]).Value, versionId);
    }
}
