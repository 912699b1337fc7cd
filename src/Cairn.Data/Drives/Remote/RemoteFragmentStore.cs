using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cairn.Transport;

namespace Cairn.Data.Drives.Remote;

/// <summary>
/// One drive of another node, reached over the cluster transport (h2c, signed with the cluster secret).
/// It keeps the local drive's contract: a fragment is visible only once committed, a missing one opens
/// as null, and a drive that cannot be reached fails every call with <see cref="DriveUnavailableException"/>
/// (an <see cref="IOException"/>, as a dead local disk's errors are) within the deadlines of
/// <see cref="ClusterTransportOptions"/> — never a hang. <see cref="Stats"/> never waits on the network:
/// it returns the last known state, refreshed in the background when older than
/// <paramref name="statsMaxAge"/> and marked offline as soon as a call finds the drive unreachable.
/// </summary>
public sealed class RemoteFragmentStore : IFragmentStore
{
    private readonly HttpClient http;
    private readonly Uri node;
    private readonly ClusterTransportOptions options;
    private readonly TimeProvider time;
    private readonly TimeSpan statsMaxAge;
    private DriveStats lastStats;
    private long statsAt = long.MinValue;
    private int refreshing;
    private bool failed;

    /// <param name="node">The owning node's cluster address, e.g. http://10.0.0.2:7101/.</param>
    /// <param name="http">A client from <see cref="ClusterHttp.CreateClient"/> (shared; not owned).</param>
    public RemoteFragmentStore(string driveId, Uri node, HttpClient http, ClusterTransportOptions? options = null, TimeProvider? time = null, TimeSpan? statsMaxAge = null)
    {
        DriveId = driveId;
        this.node = node;
        this.http = http;
        this.options = options ?? new ClusterTransportOptions();
        this.time = time ?? TimeProvider.System;
        this.statsMaxAge = statsMaxAge ?? TimeSpan.FromSeconds(2);
        // Unknown until the owner answers: offline, so repair places nothing here before then.
        lastStats = new DriveStats(driveId, new Uri(node, FragmentRoutes.Stats(driveId)).ToString(), 0, 0, false);
        _ = RefreshStatsAsync();
    }

    public string DriveId { get; }

    public ClusterTransportOptions Options => options;

    public ValueTask<IFragmentSink> CreateAsync(string blobId, int slot, CancellationToken cancellationToken = default) =>
        StartSinkAsync(FragmentRoutes.Fragment(DriveId, blobId, slot), cancellationToken);

    public ValueTask<IFragmentSink> CreateReplacementAsync(string blobId, int slot, CancellationToken cancellationToken = default) =>
        StartSinkAsync(FragmentRoutes.Fragment(DriveId, blobId, slot) + "?replace=1", cancellationToken);

    public async ValueTask<IFragmentSource?> OpenAsync(string blobId, int slot, CancellationToken cancellationToken = default)
    {
        var path = FragmentRoutes.Fragment(DriveId, blobId, slot);
        using var response = await SendAsync(HttpMethod.Get, path + "/length", HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var text = await ReadSmallAsync(response, cancellationToken).ConfigureAwait(false);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            throw Unavailable($"a malformed fragment length '{text}'");
        return new Source(this, path, length);
    }

    /// <summary>One small request: the owner reads and checks the fragment on its drive and answers the verdict.</summary>
    public async ValueTask<FragmentCheck> VerifyAsync(string blobId, int slot, long dataLength, CancellationToken cancellationToken = default)
    {
        var path = FragmentRoutes.Fragment(DriveId, blobId, slot) + $"/verify?dataLength={dataLength.ToString(CultureInfo.InvariantCulture)}";
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await VerifyAnswer.ReadAsync(body, options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw Failure(e);
        }
    }

    public async ValueTask DeleteAsync(string blobId, int slot, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, FragmentRoutes.Fragment(DriveId, blobId, slot), null, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<FragmentInfo> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var response = await SendAsync(HttpMethod.Get, FragmentRoutes.Fragments(DriveId), null, cancellationToken).ConfigureAwait(false);
        IAsyncEnumerator<FragmentInfo?>? items = null;
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            items = JsonSerializer.DeserializeAsyncEnumerable<FragmentInfo>(body, JsonSerializerOptions.Web, deadline.Token).GetAsyncEnumerator(deadline.Token);
            while (true)
            {
                // A listing may be long; the deadline bounds the wait for each next entry, not the whole walk.
                deadline.CancelAfter(options.RequestTimeout);
                bool more;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (IsTransportFailure(e, cancellationToken))
                {
                    throw Failure(e);
                }
                // The caller's time with an entry is not the owner's: the clock runs only while waiting for it.
                deadline.CancelAfter(Timeout.InfiniteTimeSpan);
                if (!more) yield break;
                if (items.Current is { } info) yield return info;
            }
        }
        finally
        {
            if (items is not null) await items.DisposeAsync().ConfigureAwait(false);
        }
    }

    public bool IsOnline => Stats().Online;

    /// <summary>It failed (a call or a stats probe) and no probe has found it online since.</summary>
    public bool IsKnownAway => Volatile.Read(ref failed) && !Stats().Online;

    public DriveStats Stats()
    {
        if (time.GetTimestamp() - Volatile.Read(ref statsAt) > statsMaxAge.TotalSeconds * time.TimestampFrequency || statsAt == long.MinValue)
            _ = RefreshStatsAsync();
        return Volatile.Read(ref lastStats);
    }

    /// <summary>Starts a re-check of the owner (in the background) and answers with what is known now.</summary>
    public bool TryInitialize()
    {
        _ = RefreshStatsAsync();
        return Volatile.Read(ref lastStats).Online;
    }

    /// <summary>Asks the owner for the drive's state now; one refresh at a time, errors mean offline.</summary>
    public async Task RefreshStatsAsync()
    {
        if (Interlocked.Exchange(ref refreshing, 1) == 1) return;
        try
        {
            using var response = await SendAsync(HttpMethod.Get, FragmentRoutes.Stats(DriveId), null, CancellationToken.None).ConfigureAwait(false);
            var stats = JsonSerializer.Deserialize<DriveStats>(await ReadSmallAsync(response, CancellationToken.None).ConfigureAwait(false), JsonSerializerOptions.Web);
            if (stats is not null)
            {
                Volatile.Write(ref lastStats, stats with { DriveId = DriveId, Path = Volatile.Read(ref lastStats).Path });
                if (stats.Online) Volatile.Write(ref failed, false);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or ObjectDisposedException)
        {
            MarkOffline();
        }
        finally
        {
            Volatile.Write(ref statsAt, time.GetTimestamp());
            Volatile.Write(ref refreshing, 0);
        }
    }

    private void MarkOffline()
    {
        Volatile.Write(ref lastStats, Volatile.Read(ref lastStats) with { Online = false });
        Volatile.Write(ref failed, true);
    }

    /// <summary>
    /// Sends a request without a body and waits for its response headers within the deadline. Anything
    /// but 2xx (or <paramref name="allowed"/>) is a failure: 5xx, a refusal, no connection.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpStatusCode? allowed, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(node, path));
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw Failure(e);
        }
        if (response.IsSuccessStatusCode || response.StatusCode == allowed) return response;
        using (response) throw Refused(response);
    }

    /// <summary>Reads a short response body (a length, a stats record) within the deadline.</summary>
    private async Task<string> ReadSmallAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.RequestTimeout);
        try
        {
            return await response.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw Failure(e);
        }
    }

    /// <summary>A failure of the peer or the path to it, as opposed to the caller cancelling.</summary>
    /// <remarks>
    /// ObjectDisposedException too: when a streamed PUT's connection fails, HttpClient disposes the request body
    /// under a write still in progress, and that write, not the send, is what reports the dead drive.
    /// </remarks>
    private static bool IsTransportFailure(Exception e, CancellationToken caller) =>
        e is HttpRequestException or IOException or JsonException or ObjectDisposedException
        || (e is OperationCanceledException && !caller.IsCancellationRequested);

    private DriveUnavailableException Failure(Exception e) => e switch
    {
        DriveUnavailableException known => known,
        OperationCanceledException => Unavailable($"no answer within {options.RequestTimeout.TotalSeconds:0.###} s", e),
        _ => Unavailable(e.Message, e),
    };

    private DriveUnavailableException Refused(HttpResponseMessage response)
    {
        var why = response.Headers.TryGetValues(FragmentRoutes.ErrorHeader, out var values) ? string.Join(' ', values) : response.ReasonPhrase;
        return Unavailable(response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"the owner refused the cluster secret ({(int)response.StatusCode})",
            _ => $"{(int)response.StatusCode} {why}",
        });
    }

    private DriveUnavailableException Unavailable(string message, Exception? inner = null)
    {
        MarkOffline();
        return new DriveUnavailableException(DriveId, $"{message} ({node})", inner);
    }

    private async ValueTask<IFragmentSink> StartSinkAsync(string path, CancellationToken cancellationToken)
    {
        var sink = new Sink(this, path);
        try
        {
            await sink.StartAsync(cancellationToken).ConfigureAwait(false);
            return sink;
        }
        catch
        {
            await sink.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A fragment being written: one PUT whose body is fed by <see cref="WriteAsync"/> straight into the
    /// HTTP/2 stream, so a write waits for the owner's flow-control window (back-pressure, no buffering
    /// here). <see cref="CommitAsync"/> ends the stream and waits for the owner's fsync; disposing
    /// without a commit resets the stream, and the owner drops what it had.
    /// </summary>
    private sealed class Sink(RemoteFragmentStore drive, string path) : IFragmentSink
    {
        private readonly StreamingBody body = new();
        private readonly CancellationTokenSource abort = new();
        private Task<HttpResponseMessage>? response;
        private Stream? stream;
        private bool committed;

        /// <summary>Opens the stream: fails fast when the owner cannot be reached or refuses at once.</summary>
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, new Uri(drive.node, path)) { Content = body };
            response = drive.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, abort.Token);
            await StepAsync(async () =>
            {
                var first = await Task.WhenAny(body.Ready, response).ConfigureAwait(false);
                if (first == response) await FailFromResponseAsync().ConfigureAwait(false);
                stream = await body.Ready.ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
            new(StepAsync(async () =>
            {
                if (response!.IsCompleted) await FailFromResponseAsync().ConfigureAwait(false);
                await stream!.WriteAsync(data, abort.Token).ConfigureAwait(false);
            }, cancellationToken));

        public Task CommitAsync(CancellationToken cancellationToken = default) =>
            StepAsync(async () =>
            {
                await stream!.FlushAsync(abort.Token).ConfigureAwait(false);
                body.Complete();
                using var answer = await response!.ConfigureAwait(false);
                if (!answer.IsSuccessStatusCode) throw drive.Refused(answer);
                committed = true;
            }, cancellationToken);

        /// <summary>Runs one step under the deadline; a missed deadline or the caller's cancellation aborts the stream.</summary>
        private async Task StepAsync(Func<Task> step, CancellationToken cancellationToken)
        {
            using var caller = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), abort);
            abort.CancelAfter(drive.options.RequestTimeout);
            try
            {
                await step().ConfigureAwait(false);
                abort.CancelAfter(Timeout.InfiniteTimeSpan);
            }
            catch (Exception e) when (IsTransportFailure(e, cancellationToken))
            {
                // The owner answered early (a refusal, a failing drive): that answer is the reason.
                if (e is not DriveUnavailableException && response is { IsCompletedSuccessfully: true } && !response.Result.IsSuccessStatusCode)
                    throw drive.Refused(response.Result);
                throw drive.Failure(e);
            }
        }

        private async Task FailFromResponseAsync()
        {
            using var answer = await response!.ConfigureAwait(false);
            throw answer.IsSuccessStatusCode
                ? drive.Unavailable($"the owner answered {(int)answer.StatusCode} before the fragment was committed")
                : drive.Refused(answer);
        }

        public async ValueTask DisposeAsync()
        {
            if (!committed) await abort.CancelAsync().ConfigureAwait(false); // RST_STREAM: the owner discards the fragment
            body.Abandon();
            if (response is not null)
            {
                try
                {
                    (await response.ConfigureAwait(false)).Dispose();
                }
                catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
                {
                    // Already reported by the step that failed, or abandoned on purpose.
                }
            }
            abort.Dispose();
        }
    }

    /// <summary>A request body that hands its stream to the sink and ends when the sink commits.</summary>
    private sealed class StreamingBody : HttpContent
    {
        private readonly TaskCompletionSource<Stream> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Stream> Ready => ready.Task;

        public void Complete() => done.TrySetResult();

        public void Abandon() => done.TrySetCanceled();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            ready.TrySetResult(stream);
            await using var _ = cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetCanceled(), done).ConfigureAwait(false);
            await done.Task.ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    /// <summary>A committed fragment on the owner: each read is one ranged GET under the deadline.</summary>
    private sealed class Source(RemoteFragmentStore drive, string path, long length) : IFragmentSource
    {
        public long Length { get; } = length;

        public async ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var count = (int)Math.Clamp(Length - offset, 0, buffer.Length);
            if (count == 0) return 0;
            using var response = await drive.SendAsync(HttpMethod.Get, $"{path}?offset={offset}&count={count}", null, cancellationToken).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(drive.options.RequestTimeout);
            try
            {
                var body = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
                var read = 0;
                int n;
                while (read < count && (n = await body.ReadAsync(buffer[read..count], deadline.Token).ConfigureAwait(false)) > 0) read += n;
                if (read == 0) throw new IOException($"the owner sent no bytes of {path} at {offset}");
                return read;
            }
            catch (Exception e) when (IsTransportFailure(e, cancellationToken))
            {
                throw drive.Failure(e);
            }
        }

        public void Dispose()
        {
        }
    }
}
