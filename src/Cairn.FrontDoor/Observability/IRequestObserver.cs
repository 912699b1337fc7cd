namespace Cairn.FrontDoor.Observability;

/// <summary>
/// Sees every completed request of the S3 port (metrics, the request log, the audit log, server access logging).
/// Called on the request's own thread after its response is written: it must be quick and must not block — an
/// observer that writes files queues the record and writes it elsewhere.
/// </summary>
public interface IRequestObserver
{
    void OnCompleted(RequestRecord record);
}
