using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.FrontDoor;
using Cairn.Workers;

namespace Cairn.Node;

/// <summary>Everything `cairn server` is configured with.</summary>
public sealed record ServerOptions
{
    public string Address { get; init; } = "127.0.0.1:9000";
    public string DataPath { get; init; } = "./data";

    /// <summary>The drives and the code; null means one drive under the data path.</summary>
    public NodeConfiguration? Node { get; init; }
    public required FrontDoorOptions FrontDoor { get; init; }
    public GarbageCollectorOptions GarbageCollector { get; init; } = new();
    public DurabilityOptions Durability { get; init; } = new();

    /// <summary>How long a lifecycle, restore and billing day lasts, in seconds (86,400 unless scaled down).</summary>
    public double DaySeconds { get; init; } = DayClock.RealDaySeconds;

    /// <summary>How far this node's clock runs from the machine's; nothing that decides an outcome may depend on it.</summary>
    public TimeSpan ClockOffset { get; init; }

    /// <summary>
    /// The master key ring file (see <see cref="Core.Secrets.MasterKeyRing"/>). Null: a store alone keeps one at
    /// <c>DATA/master.key</c>, created on first start; a cluster node derives one from the cluster secret.
    /// </summary>
    public string? MasterKeyFile { get; init; }

    /// <summary>TLS on the S3 port (and the cluster port in a cluster); null serves plain HTTP.</summary>
    public Transport.Tls.TlsFiles? Tls { get; init; }

    /// <summary>Cluster membership; null runs a store alone.</summary>
    public Cluster.ClusterOptions? Cluster { get; init; }

    /// <summary>Who may scrape <c>GET /metrics</c>.</summary>
    public Metrics.MetricsOptions Metrics { get; init; } = new();

    /// <summary>How often usage per bucket and storage class is measured, and how long its history keeps samples (in <c>DATA/usage</c>).</summary>
    public Workers.Usage.UsageOptions Usage { get; init; } = new();

    /// <summary>How logs are written: readable lines, or one JSON object per line.</summary>
    public Logging.LogFormat LogFormat { get; init; } = Logging.LogFormat.Text;

    /// <summary>The audit log's rotation and retention (its folder is always <c>DATA/audit</c>).</summary>
    public Audit.AuditLogOptions Audit { get; init; } = new() { Folder = "audit" };

    /// <summary>HOST:PORT serving the web console alone; null serves it under /console on the S3 port (see docs/console.md).</summary>
    public string? ConsoleAddress { get; init; }

    /// <summary>A console session unused this long ends.</summary>
    public TimeSpan ConsoleSessionIdle { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The storage classes: AWS-like defaults with the node configuration's overrides.</summary>
    public StorageClassTable StorageClasses { get; init; } = StorageClassTable.Default;
}
