namespace Cairn.Checking.History;

/// <summary>How an operation and its result read in a report.</summary>
public static class OperationText
{
    public static string Request(Operation o) => o.Kind switch
    {
        OperationKind.Put => $"PUT {o.Value}",
        OperationKind.PutIfAbsent => $"PUT {o.Value} If-None-Match: *",
        OperationKind.PutIfMatch => $"PUT {o.Value} If-Match: <ETag of {o.Expected}>",
        OperationKind.Get => "GET",
        OperationKind.Delete => "DELETE",
        OperationKind.DeleteIfMatch => $"DELETE If-Match: <ETag of {o.Expected}>",
        OperationKind.List => $"LIST prefix {o.Key}",
        OperationKind.Exists => "LIST",
        _ => o.Kind.ToString(),
    };

    public static string KindName(OperationKind kind) => kind switch
    {
        OperationKind.PutIfAbsent => "PUT If-None-Match",
        OperationKind.PutIfMatch => "PUT If-Match",
        OperationKind.DeleteIfMatch => "DELETE If-Match",
        OperationKind.Exists => "LIST (one key)",
        _ => kind.ToString().ToUpperInvariant(),
    };

    public static string Result(Operation o) => o.Result.Kind switch
    {
        ResultKind.Ok => o.Kind is OperationKind.Delete or OperationKind.DeleteIfMatch ? "204 deleted" : "200 OK",
        ResultKind.Found when o.Kind == OperationKind.Exists => o.Result.Value is null ? "listed (ETag of no known write)" : $"listed {o.Result.Value}",
        ResultKind.Found => $"read {o.Result.Value}",
        ResultKind.NotFound when o.Kind == OperationKind.Exists => "not listed",
        ResultKind.NotFound => "404 NoSuchKey",
        ResultKind.PreconditionFailed => "412 PreconditionFailed",
        ResultKind.Conflict => "409 ConditionalRequestConflict",
        ResultKind.Listed => $"{o.Result.Listed!.Count} keys",
        _ => o.Detail is null ? "unknown outcome" : $"unknown outcome ({o.Detail})",
    };
}
