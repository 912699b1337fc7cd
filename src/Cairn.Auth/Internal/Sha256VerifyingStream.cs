using System.Security.Cryptography;
using Cairn.Core.Errors;

namespace Cairn.Auth.Internal;

/// <summary>A signed hex SHA-256 payload: hashes the body as it passes and compares at EOF.</summary>
internal sealed class Sha256VerifyingStream(Stream inner, string expectedSha256Hex) : PayloadStream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty || IsCompleted) return 0;
        int n = inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty || IsCompleted) return 0;
        int n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    private void Account(ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            hash.AppendData(data);
            BytesRead += data.Length;
            return;
        }

        Span<byte> actual = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        hash.GetHashAndReset(actual);
        if (!Hex.TryDecode(expectedSha256Hex, expected) || !actual.SequenceEqual(expected))
        {
            throw new S3Exception(S3ErrorCode.XAmzContentSHA256Mismatch)
            {
                Details = new Dictionary<string, string>
                {
                    ["ClientComputedContentSHA256"] = expectedSha256Hex,
                    ["S3ComputedContentSHA256"] = Convert.ToHexStringLower(actual),
                },
            };
        }
        IsCompleted = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) hash.Dispose();
        base.Dispose(disposing);
    }
}
