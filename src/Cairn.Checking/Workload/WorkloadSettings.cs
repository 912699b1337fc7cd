using Cairn.Checking.History;

namespace Cairn.Checking.Workload;

/// <summary>What a recording run does: which endpoints, how many clients over how many keys, which calls, for how long.</summary>
/// <param name="Endpoints">S3 endpoints; client i talks to endpoint i mod count.</param>
/// <param name="OperationsPerClient">A bound on each client's calls, besides <paramref name="Duration"/>.</param>
/// <param name="RequestTimeout">After this a call counts as of unknown outcome.</param>
/// <param name="Seed">Seeds the clients' random choices (each client derives its own).</param>
public sealed record WorkloadSettings(
    IReadOnlyList<Uri> Endpoints,
    S3Credentials Credentials,
    string Region,
    int Clients,
    int Keys,
    TimeSpan Duration,
    int OperationsPerClient,
    TimeSpan RequestTimeout,
    IReadOnlySet<OperationKind> Operations,
    int Seed)
{
    /// <summary>Every call the workload can make except conditional DELETE, which not every S3 endpoint supports.</summary>
    public static IReadOnlySet<OperationKind> DefaultOperations { get; } = new HashSet<OperationKind>
    {
        OperationKind.Put, OperationKind.PutIfAbsent, OperationKind.PutIfMatch, OperationKind.Get, OperationKind.Delete, OperationKind.List,
    };

    public const string KeyPrefix = "lin/";

    public IReadOnlyList<string> KeyNames => Enumerable.Range(0, Keys).Select(k => $"{KeyPrefix}k{k}").ToList();
}

public sealed record S3Credentials(string AccessKey, string SecretKey);
