using Cairn.Core.Errors;

namespace Cairn.Index.Buckets;

/// <summary>
/// Keeps DeleteBucket from racing writes into the bucket: writers hold the gate open while they
/// commit; DeleteBucket closes it, waits for writers in flight, and only then checks emptiness.
/// </summary>
public sealed class BucketGates
{
    private readonly Dictionary<string, Gate> gates = new(StringComparer.Ordinal);

    public Pass Enter(string bucket)
    {
        lock (gates)
        {
            if (!gates.TryGetValue(bucket, out var gate)) gates[bucket] = gate = new Gate();
            if (gate.Closed) throw new S3Exception(S3ErrorCode.NoSuchBucket, resource: bucket) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
            gate.Writers++;
            return new Pass(this, bucket);
        }
    }

    /// <summary>Closes the gate and completes when no writer is inside.</summary>
    public async Task CloseAsync(string bucket, CancellationToken cancellationToken)
    {
        Task drained;
        lock (gates)
        {
            if (!gates.TryGetValue(bucket, out var gate)) gates[bucket] = gate = new Gate();
            gate.Closed = true;
            drained = gate.Writers == 0 ? Task.CompletedTask : (gate.Drained ??= new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Reopen(string bucket)
    {
        lock (gates) gates.Remove(bucket);
    }

    private void Leave(string bucket)
    {
        lock (gates)
        {
            var gate = gates[bucket];
            if (--gate.Writers == 0)
            {
                gate.Drained?.TrySetResult();
                gate.Drained = null;
                if (!gate.Closed) gates.Remove(bucket);
            }
        }
    }

    private sealed class Gate
    {
        public int Writers;
        public bool Closed;
        public TaskCompletionSource? Drained;
    }

    public readonly struct Pass(BucketGates owner, string bucket) : IDisposable
    {
        public void Dispose() => owner.Leave(bucket);
    }
}
