namespace Cairn.Core.Errors;

/// <summary>
/// A typed S3 error raised by whichever plane knows what went wrong; the front door renders it
/// as S3 error XML in exactly one place.
/// </summary>
public sealed class S3Exception(S3ErrorCode code, string? message = null, string? resource = null)
    : Exception(message ?? code.DefaultMessage)
{
    public S3ErrorCode Code { get; } = code;
    public string? Resource { get; } = resource;

    /// <summary>Extra elements AWS adds to some errors (e.g. Key, BucketName, ArgumentName).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>Response headers that go with the error (e.g. x-amz-delete-marker on a 404).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
