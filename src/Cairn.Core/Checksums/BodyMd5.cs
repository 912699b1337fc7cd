using System.Security.Cryptography;

namespace Cairn.Core.Checksums;

/// <summary>
/// The MD5 (the ETag) of one request body, computed while the request goes on storing the bytes.
/// Appends are strictly one at a time: await each before the next, and keep its bytes unchanged until then.
/// </summary>
public interface IBodyMd5 : IDisposable
{
    Task AppendAsync(ReadOnlyMemory<byte> data);

    /// <summary>The digest; every append must have completed.</summary>
    byte[] Finish();
}

/// <summary>
/// Chooses how each body's MD5 is computed. Small bodies hash inline (a hand-off costs more than
/// the hash). A large body hashes on a pool thread with OpenSSL, which overlaps the hash with
/// storing the previous bytes — unless other large bodies are hashing too: then it joins the shared
/// lane thread (<see cref="Md5LaneHasher"/>), where concurrent uploads' hashes cost a fraction each.
/// </summary>
public sealed class BodyMd5Factory : IDisposable
{
    /// <summary>Bodies below this hash inline.</summary>
    public const long BackgroundThreshold = 1024 * 1024;

    /// <summary>Large bodies hashing at once (this one included) from which lanes beat one OpenSSL hash each.</summary>
    public const int LanesFrom = 3;

    private readonly Md5LaneHasher? lanes;
    private int largeBodies;

    public BodyMd5Factory(bool useLanes = true)
    {
        lanes = useLanes && Md5Lanes.IsSupported ? new Md5LaneHasher() : null;
    }

    public IBodyMd5 Start(long expectedLength)
    {
        if (expectedLength < BackgroundThreshold) return new InlineMd5();
        var concurrent = Interlocked.Increment(ref largeBodies);
        return lanes is not null && concurrent >= LanesFrom ? new LaneMd5(this, lanes) : new PooledMd5(this);
    }

    private void Ended() => Interlocked.Decrement(ref largeBodies);

    public void Dispose() => lanes?.Dispose();

    private sealed class InlineMd5 : IBodyMd5
    {
        private readonly IncrementalHash md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);

        public Task AppendAsync(ReadOnlyMemory<byte> data)
        {
            md5.AppendData(data.Span);
            return Task.CompletedTask;
        }

        public byte[] Finish() => md5.GetHashAndReset();

        public void Dispose() => md5.Dispose();
    }

    /// <summary>OpenSSL's MD5 on a pool thread: the fastest for one stream, and off the request's path.</summary>
    private sealed class PooledMd5(BodyMd5Factory factory) : IBodyMd5
    {
        private readonly IncrementalHash md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        private bool ended;

        public Task AppendAsync(ReadOnlyMemory<byte> data) => Task.Run(() => md5.AppendData(data.Span));

        public byte[] Finish() => md5.GetHashAndReset();

        public void Dispose()
        {
            if (ended) return;
            ended = true;
            factory.Ended();
            md5.Dispose();
        }
    }

    /// <summary>Whole blocks go to the lane thread; a partial block waits in a tail until the next append or the end.</summary>
    private sealed class LaneMd5 : IBodyMd5
    {
        private readonly BodyMd5Factory factory;
        private readonly Md5LaneHasher hasher;
        private readonly Md5LaneState state = new();
        private readonly byte[] tail = new byte[Md5Block.Size];
        private int tailLength;
        private long length;
        private bool ended;

        public LaneMd5(BodyMd5Factory factory, Md5LaneHasher hasher)
        {
            (this.factory, this.hasher) = (factory, hasher);
            hasher.Attach();
        }

        public Task AppendAsync(ReadOnlyMemory<byte> data)
        {
            length += data.Length;
            if (tailLength > 0)
            {
                var take = Math.Min(Md5Block.Size - tailLength, data.Length);
                data.Span[..take].CopyTo(tail.AsSpan(tailLength));
                tailLength += take;
                data = data[take..];
                if (tailLength < Md5Block.Size) return Task.CompletedTask;
                var value = state.Value;
                Md5Block.Compress(ref value, tail);
                state.Value = value;
                tailLength = 0;
            }
            var whole = data.Length - data.Length % Md5Block.Size;
            data.Span[whole..].CopyTo(tail);
            tailLength = data.Length - whole;
            return hasher.CompressAsync(state, data[..whole]);
        }

        public byte[] Finish() => Md5Block.Finish(state.Value, tail.AsSpan(0, tailLength), length);

        public void Dispose()
        {
            if (ended) return;
            ended = true;
            hasher.Detach();
            factory.Ended();
        }
    }
}
