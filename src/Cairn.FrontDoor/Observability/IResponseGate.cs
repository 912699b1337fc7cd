namespace Cairn.FrontDoor.Observability;

/// <summary>
/// Runs once per request of the S3 port, just before its response starts (status and headers final, nothing sent yet), and
/// holds the response until it completes: what must be durable before a client learns an outcome (the audit log) waits
/// here. A request that ends with no response (the client went away) passes the gates when it ends. Observers that may
/// run later implement <see cref="IRequestObserver"/> instead. A gate must not throw.
/// </summary>
public interface IResponseGate
{
    ValueTask BeforeResponseAsync(RequestRecord record);
}
