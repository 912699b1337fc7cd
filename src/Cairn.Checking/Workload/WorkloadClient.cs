using System.Diagnostics;
using Cairn.Checking.History;

namespace Cairn.Checking.Workload;

/// <summary>
/// One client of a recording run: calls one after another on random keys until the run ends, each recorded with its
/// invocation and return on the Stopwatch clock. A call that times out or fails in transport, or is answered with
/// something S3 does not promise for it (a 5xx), is recorded as of unknown outcome.
/// </summary>
internal sealed class WorkloadClient(int id, S3Connection connection, string bucket, WorkloadSettings settings, ETagBook etags, Random random)
{
    private const string UnknownETag = "\"00000000000000000000000000000000\"";
    private const string NoValue = "(a value never written)";

    private readonly OperationMix mix = new(settings.Operations);
    private readonly Dictionary<string, (string Value, string ETag)> lastSeen = new(StringComparer.Ordinal);
    private readonly List<Operation> recorded = [];
    private readonly Dictionary<int, IReadOnlyDictionary<string, string>> listings = [];
    private int sequence;
    private int refused;
    private bool pooled;

    private static readonly TimeSpan RefusedPause = TimeSpan.FromMilliseconds(50);

    /// <summary>Calls that made no connection (and so are not in <see cref="Recorded"/>).</summary>
    public int Refused => refused;

    public IReadOnlyList<Operation> Recorded => recorded;

    /// <summary>Each listing's keys and raw ETags, by the listing's position in <see cref="Recorded"/>, to read as values once the run is over.</summary>
    public IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> Listings => listings;

    public async Task RunAsync(long until, CancellationToken cancellationToken)
    {
        var keys = settings.KeyNames;
        while (recorded.Count < settings.OperationsPerClient && Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
        {
            var kind = mix.Next(random);
            var key = kind == OperationKind.List ? WorkloadSettings.KeyPrefix : keys[random.Next(keys.Count)];
            await CallAsync(kind, key, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CallAsync(OperationKind kind, string key, CancellationToken cancellationToken)
    {
        var value = kind is OperationKind.Put or OperationKind.PutIfAbsent or OperationKind.PutIfMatch ? $"c{id}-{sequence++}" : null;
        var (expected, expectedETag) = kind is OperationKind.PutIfMatch or OperationKind.DeleteIfMatch ? IfMatchTarget(key) : (null, null);
        if (value is not null) etags.Expect(value);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        var invoked = Stopwatch.GetTimestamp();
        S3Answer answer;
        try
        {
            answer = await SendAsync(kind, key, value, expectedETag, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && !pooled && !cancellationToken.IsCancellationRequested)
        {
            // No connection was made (a node that is down) and none was open: the request never reached a server, so it
            // is no call at all. Pause a little, so a client whose node is gone does not spin.
            refused++;
            await Task.Delay(RefusedPause, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // With a connection open from the call before, a refused connection does not prove the request was never sent:
            // HttpClient sends a bodiless call (GET, DELETE) on the open connection first and, when that closes cleanly
            // before any answer (a node killed mid-call), sends it again on a new one, which is refused. The first send
            // may have been applied: unknown. (Measured with .NET 10; a reset connection or a call with a body is not resent.)
            var why = cancellationToken.IsCancellationRequested ? "run stopped" : e is OperationCanceledException ? "timeout"
                : e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } ? "connection lost, then refused" : e.GetType().Name;
            pooled = false;
            Record(kind, key, value, expected, OperationResult.Unknown, invoked, Operation.Never, why);
            return;
        }
        pooled = true;
        var returned = Stopwatch.GetTimestamp();
        var (result, detail) = Interpret(kind, key, value, answer);
        Record(kind, key, value, expected, result, invoked, returned, detail);
    }

    private Task<S3Answer> SendAsync(OperationKind kind, string key, string? value, string? expectedETag, CancellationToken cancellationToken) => kind switch
    {
        OperationKind.Put => connection.PutAsync(bucket, key, value!, null, cancellationToken),
        OperationKind.PutIfAbsent => connection.PutAsync(bucket, key, value!, ("If-None-Match", "*"), cancellationToken),
        OperationKind.PutIfMatch => connection.PutAsync(bucket, key, value!, ("If-Match", expectedETag!), cancellationToken),
        OperationKind.Get => connection.GetAsync(bucket, key, cancellationToken),
        OperationKind.Delete => connection.DeleteAsync(bucket, key, null, cancellationToken),
        OperationKind.DeleteIfMatch => connection.DeleteAsync(bucket, key, expectedETag, cancellationToken),
        OperationKind.List => connection.ListAsync(bucket, key, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The value an If-Match names: the last this client saw on the key (often overwritten since, so refusals happen
    /// too), or, having seen none, an ETag that matches nothing.
    /// </summary>
    private (string Value, string ETag) IfMatchTarget(string key) =>
        lastSeen.TryGetValue(key, out var seen) ? seen : (NoValue, UnknownETag);

    private (OperationResult Result, string? Detail) Interpret(OperationKind kind, string key, string? value, S3Answer answer)
    {
        switch (kind)
        {
            case OperationKind.Put or OperationKind.PutIfAbsent or OperationKind.PutIfMatch when answer.Is(200):
                etags.Observed(answer.ETag, value!);
                if (answer.ETag is not null) lastSeen[key] = (value!, answer.ETag);
                return (OperationResult.Ok, null);
            case OperationKind.Get when answer.Is(200):
                if (answer.ETag is not null) lastSeen[key] = (answer.Body, answer.ETag);
                return (OperationResult.Found(answer.Body), null);
            case OperationKind.Delete or OperationKind.DeleteIfMatch when answer.Status is 204 or 200:
                return (OperationResult.Ok, null);
            case OperationKind.List when answer.Is(200):
                return ReadListing(answer);
            case OperationKind.Get or OperationKind.PutIfMatch or OperationKind.DeleteIfMatch when answer.Is(404, "NoSuchKey"):
                return (OperationResult.NotFound, null);
            case OperationKind.PutIfAbsent or OperationKind.PutIfMatch or OperationKind.DeleteIfMatch when answer.Is(412):
                return (OperationResult.PreconditionFailed, null);
            case OperationKind.PutIfAbsent or OperationKind.PutIfMatch or OperationKind.DeleteIfMatch when answer.Is(409):
                return (OperationResult.Conflict, null);
            default:
                return (OperationResult.Unknown, answer.ToString());
        }
    }

    /// <summary>Keeps the listing's raw ETags aside; the recorded result gets its values when the run is over.</summary>
    private (OperationResult Result, string? Detail) ReadListing(S3Answer answer)
    {
        IReadOnlyDictionary<string, string>? listed;
        try
        {
            listed = ListingXml.Parse(answer.Body);
        }
        catch (Exception e) when (e is FormatException or System.Xml.XmlException)
        {
            return (OperationResult.Unknown, "unreadable listing: " + e.Message);
        }
        if (listed is null) return (OperationResult.Unknown, "truncated listing");
        listings[recorded.Count] = listed;
        return (OperationResult.Listing(new Dictionary<string, string?>()), null);
    }

    private void Record(OperationKind kind, string key, string? value, string? expected, OperationResult result, long invoked, long returned, string? detail)
    {
        recorded.Add(new Operation(0, id, key, kind, value, expected, result, invoked, returned, detail));
    }
}
