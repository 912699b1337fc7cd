using System.IO.Pipelines;

namespace Cairn.FrontDoor.Objects;

/// <summary>
/// Decouples reading a request body from consuming it: a background task pulls the source (socket
/// reads, aws-chunked decoding and chunk-signature SHA-256) into a bounded pipe while the consumer
/// hashes MD5 and writes the blob, so the two hash passes run on two cores instead of one after
/// the other.
/// </summary>
public sealed class ReadAheadStream : ForwardOnlyStream
{
    private readonly Pipe pipe = new(new PipeOptions(pauseWriterThreshold: 8 * 1024 * 1024, resumeWriterThreshold: 4 * 1024 * 1024, minimumSegmentSize: 64 * 1024, useSynchronizationContext: false));
    private readonly Stream reader;
    private readonly Task producer;

    public ReadAheadStream(Stream source, CancellationToken cancellationToken)
    {
        reader = pipe.Reader.AsStream();
        producer = Task.Run(async () =>
        {
            try
            {
                await source.CopyToAsync(pipe.Writer, cancellationToken).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => reader.ReadAsync(buffer, cancellationToken);



    public override async ValueTask DisposeAsync()
    {
        await pipe.Reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            await producer.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The request was aborted; the consumer already saw why.
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
