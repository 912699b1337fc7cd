namespace Cairn.Cli.Bench;

/// <summary>The four S3 calls a bench run makes; one implementation per client the bench can drive.</summary>
public interface IBenchStore : IDisposable
{
    /// <returns>True when this call created the bucket (false when it already existed and is ours).</returns>
    Task<bool> CreateBucketAsync(string bucket, CancellationToken cancellationToken);

    Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken);

    Task PutAsync(string bucket, string key, Stream body, long size, CancellationToken cancellationToken);

    /// <summary>Reads the whole object into <paramref name="buffer"/> (reused), failing unless exactly <paramref name="size"/> bytes arrive.</summary>
    Task<long> GetAsync(string bucket, string key, byte[] buffer, long size, CancellationToken cancellationToken);

    Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken);
}

/// <summary>An S3 error answer the bench counts: status, code and message.</summary>
public sealed class BenchRequestFailed(int status, string code, string message) : Exception($"{status} {code}: {message}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
}
