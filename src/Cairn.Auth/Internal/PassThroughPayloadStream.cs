namespace Cairn.Auth.Internal;

/// <summary>UNSIGNED-PAYLOAD: nothing to verify, the body goes through as-is.</summary>
internal sealed class PassThroughPayloadStream(Stream inner) : PayloadStream
{
    public override bool VerifiesBytes => false;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        return Account(inner.Read(buffer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        return Account(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
    }

    private int Account(int n)
    {
        if (n == 0) IsCompleted = true;
        BytesRead += n;
        return n;
    }
}
