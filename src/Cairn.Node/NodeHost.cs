using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Cairn.Auth;
using Cairn.Core.Checksums;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Data.Blobs;
using Cairn.Data.Drives;
using Cairn.FrontDoor;
using Cairn.FrontDoor.Hosting;
using Cairn.Node.Admin;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.Listing;
using Cairn.FrontDoor.Multipart;
using Cairn.Index.Uploads;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.Index.Billing;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Apply;
using Cairn.Index.Records;
using Cairn.Index.Shards;
using Cairn.Placement;
using Cairn.Workers;
using Cairn.Workers.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Node;

/// <summary>
/// The composition root of a node: opens the index, the drives and the workers, and wires them behind the
/// front door's Kestrel. The only place that knows every plane; the planes know only their seams.
/// </summary>
public static class NodeHost
{
    public static WebApplication Build(ServerOptions options)
    {
        var dataPath = Path.GetFullPath(options.DataPath);
        Directory.CreateDirectory(dataPath);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable("CAIRN_LOG_LEVEL"), true, out var level) ? level : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ParseEndpoint(options.Address));
            kestrel.Limits.MaxRequestBodySize = null; // S3's own limits apply (5 GiB per PUT)
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
            kestrel.AddServerHeader = false;
        });

        var s = builder.Services;
        s.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        s.AddSingleton(options.ClockOffset == TimeSpan.Zero ? TimeProvider.System : new OffsetTimeProvider(options.ClockOffset));
        s.AddSingleton(options.StorageClasses);
        s.AddSingleton(sp => new DayClock(sp.GetRequiredService<TimeProvider>(), options.DaySeconds));
        s.AddSingleton(options.FrontDoor);
        s.AddSingleton(options.GarbageCollector);
        s.AddSingleton(new ServerInfo(Version(), DateTimeOffset.UtcNow, dataPath));
        s.AddSingleton(new Owner(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.FrontDoor.AccessKey))), "cairn"));

        // Index plane: one local shard.
        s.AddSingleton(sp => new ShardStateMachine(sp.GetRequiredService<StorageClassTable>(), sp.GetRequiredService<DayClock>()));
        s.AddSingleton<IIndexShard>(sp => new RocksDbIndexShard(Path.Combine(dataPath, "index"), sp.GetRequiredService<ShardStateMachine>()));
        s.AddSingleton<BucketCatalog>();
        s.AddSingleton<ObjectCatalog>();
        s.AddSingleton<ObjectLister>();
        s.AddSingleton<VersionLister>();
        s.AddSingleton<UploadCatalog>();
        s.AddSingleton<BucketUsage>();
        s.AddSingleton<LifecycleStore>();
        s.AddSingleton<StorageMeter>();
        s.AddSingleton<BillCalculator>();
        s.AddSingleton<BlobBookkeeping>();

        // Data plane: the node's drives, placement over their failure domains, the code for new blobs.
        var node = options.Node ?? NodeConfiguration.SingleDrive(dataPath);
        node.Validate();
        var drives = node.Drives.Select((d, i) => (IFragmentStore)new LocalDrive(node.DriveId(i), d.Path)).ToDictionary(d => d.DriveId);
        s.AddSingleton(node);
        s.AddSingleton<IPlacement>(new RendezvousPlacement(node.PlacementMap(), node.ProtectionLevelIndex));
        s.AddSingleton<IReadOnlyDictionary<string, IFragmentStore>>(drives);
        s.AddSingleton(node.Erasure);
        s.AddSingleton(node.Media(options.StorageClasses));
        s.AddSingleton(new RepairQueue());
        s.AddSingleton<IRepairRequests>(sp => sp.GetRequiredService<RepairQueue>());
        s.AddSingleton<BlobStore>();
        s.AddSingleton<BlobRepair>();

        // Front door.
        s.AddSingleton<ICredentialStore>(new RootCredentials(options.FrontDoor.AccessKey, options.FrontDoor.SecretKey));
        s.AddSingleton<SigV4Verifier>();
        s.AddSingleton(new S3Router(options.FrontDoor.Domains));
        s.AddSingleton(_ => new BodyMd5Factory());
        s.AddSingleton<ObjectWriter>();
        s.AddSingleton<ObjectReader>();
        s.AddSingleton<ObjectHandlers>();
        s.AddSingleton<ObjectTaggingHandlers>();
        s.AddSingleton<DeleteObjectsHandler>();
        s.AddSingleton<MultipartHandlers>();
        s.AddSingleton<BucketHandlers>();
        s.AddSingleton<ListingHandlers>();
        s.AddSingleton<IAdminApi, AdminHandlers>();
        s.AddSingleton<ArchiveAccess>();
        s.AddSingleton<RestoreObjectHandler>();
        s.AddSingleton<LifecycleConfigurationHandlers>();
        s.AddSingleton<S3Dispatcher>();
        s.AddSingleton<ReadinessGate>();
        s.AddSingleton<HealthEndpoints>();

        // Workers.
        s.AddSingleton<GarbageCollector>();
        s.AddHostedService(sp => sp.GetRequiredService<GarbageCollector>());
        s.AddHostedService<DriveMonitor>();
        s.AddSingleton(options.Durability);
        s.AddSingleton<DurabilityLedger>();
        s.AddSingleton<ScrubAndRepair>();
        s.AddHostedService<ScrubWorker>();
        s.AddHostedService<ReadRepairWorker>();
        s.AddSingleton<IVersionBytes>(sp => new VersionBytes(sp.GetRequiredService<ObjectReader>()));
        s.AddSingleton<LifecyclePass>();
        s.AddHostedService<LifecycleWorker>();

        var app = builder.Build();
        var health = app.Services.GetRequiredService<HealthEndpoints>();
        var dispatcher = app.Services.GetRequiredService<S3Dispatcher>();
        app.Run(http => health.TryHandle(http, out var response) ? response : dispatcher.HandleAsync(http));
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ReadinessGate>().MarkReady());
        return app;
    }

    public static IPEndPoint ParseEndpoint(string address)
    {
        if (IPEndPoint.TryParse(address, out var endpoint) && endpoint.Port != 0 || address.EndsWith(":0", StringComparison.Ordinal) && IPEndPoint.TryParse(address, out endpoint))
            return endpoint;
        var colon = address.LastIndexOf(':');
        if (colon > 0 && int.TryParse(address[(colon + 1)..], out var port))
        {
            var host = address[..colon];
            var ip = host is "localhost" or "" ? IPAddress.Loopback : Dns.GetHostAddresses(host).First();
            return new IPEndPoint(ip, port);
        }
        throw new ArgumentException($"Cannot parse address '{address}': expected HOST:PORT.");
    }

    public static string Version() =>
        typeof(NodeHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

/// <summary>Lifecycle's transitions read a version's bytes through the front door's verified reader.</summary>
internal sealed class VersionBytes(ObjectReader reader) : IVersionBytes
{
    public Stream OpenStream(VersionRecord version, CancellationToken cancellationToken) => reader.OpenStream(version, cancellationToken);
}
