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
using Cairn.FrontDoor.Identity;
using Cairn.FrontDoor.Observability;
using Cairn.Node.Audit;
using Cairn.Node.Logging;
using Cairn.Index.Identities;
using Cairn.Node.Admin;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Forms;
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
using Cairn.Consensus;
using Cairn.Consensus.Meta;
using Cairn.Core.Secrets;
using Cairn.Transport.Raft;
using Cairn.Data.Drives.Remote;
using Cairn.Node.Cluster;
using Cairn.Cluster.Map;
using Cairn.Transport;
using Cairn.Transport.Tls;
using Cairn.WebConsole.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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
    /// <summary>
    /// Builds a node. With cluster options it first establishes the cluster map (a rendezvous with the other
    /// bootstrapping nodes on first start) and starts this node's range replicas; without, it is a store alone.
    /// </summary>
    /// <summary>The ring that seals secrets at rest: the configured file, else the cluster secret's, else DATA/master.key.</summary>
    private static MasterKeyRing MasterKeys(ServerOptions options, string dataPath)
    {
        if (options.MasterKeyFile is { } file) return MasterKeyRing.Load(file, createIfMissing: false);
        if (options.Cluster is { } cluster) return new MasterKeyRing([("cluster", cluster.Secret.DeriveKey("cairn master key"))]);
        return MasterKeyRing.Load(Path.Combine(dataPath, "master.key"), createIfMissing: true);
    }

    public static async Task<WebApplication> BuildAsync(ServerOptions options, CancellationToken cancellationToken = default)
    {
        var dataPath = Path.GetFullPath(options.DataPath);
        Directory.CreateDirectory(dataPath);
        DataDirectoryFormat.Open(dataPath, options.Cluster is null ? DataDirectoryLayout.Single : DataDirectoryLayout.Cluster, Version());
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.AddNodeConsole(options.LogFormat);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var node = options.Node ?? NodeConfiguration.SingleDrive(dataPath);
        var classes = options.StorageClasses;
        var time = options.ClockOffset == TimeSpan.Zero ? TimeProvider.System : new OffsetTimeProvider(options.ClockOffset);
        // The apply reads no clock but the command's: its day clock only converts days.
        var machine = new ShardStateMachine(classes, new DayClock(time, options.DaySeconds));
        // Logging for what runs before the host is built (Raft, the certificate files).
        var earlyLogging = LoggerFactory.Create(b => b.AddNodeConsole(options.LogFormat));
        var certificate = options.Tls is { } tls ? new ReloadingCertificate(tls.CertificateFile, tls.KeyFile, earlyLogging.CreateLogger<ReloadingCertificate>()) : null;
        ClusterRuntime? cluster = null;
        StorageMedia media;
        IReadOnlyDictionary<string, IFragmentStore> drives;
        if (options.Cluster is { } clusterOptions)
        {
            clusterOptions = clusterOptions with
            {
                Time = time,
                Transport = clusterOptions.Transport with { Tls = options.Tls is { } files ? ClusterTls.Create(files, certificate!) : null },
            };
            node = ClusterDrives(node, clusterOptions);
            var localDrives = LocalDrives(node, time);
            var raftLogging = earlyLogging;
            var wire = new ClusterWire(clusterOptions.Wire, clusterOptions.NodeId, raftLogging.CreateLogger<ClusterWire>());
            if (clusterOptions.Wire != WireVersion.Release)
                raftLogging.CreateLogger<ClusterWire>().LogWarning("{Variable} is set (for tests only): this node plays another release's wire, {Wire}",
                    WireVersion.OverrideVariable, clusterOptions.Wire);
            var http = ClusterHttp.CreateClient(clusterOptions.Secret, clusterOptions.Transport, wire);
            var mux = new RaftMux(clusterOptions.Secret, raftLogging.CreateLogger<RaftMux>(), clusterOptions.Transport, wire: wire);
            var self = new NodeDescription(clusterOptions.NodeId, options.Address, clusterOptions.ClusterAddress,
                $"{clusterOptions.FailureDomain}/{clusterOptions.NodeId}", clusterOptions.Join,
                node.PlacementMap().Select((entry, i) => new DriveDescription(entry.Id, entry.Domain, entry.Weight, node.Drives[i].Tier)).ToArray());
            var (meta, map) = await ClusterBootstrap.EstablishAsync(clusterOptions, self, dataPath, http, mux, raftLogging, cancellationToken).ConfigureAwait(false);
            cluster = await ClusterRuntime.StartAsync(clusterOptions, meta, mux, dataPath, localDrives, machine, http, raftLogging, cancellationToken).ConfigureAwait(false);
            var clusterDrives = map.Drives.Select(d => new PlacedDrive(d.ToPlacement(), d.Tier)).ToArray();
            var runtime = cluster;
            media = NodeConfiguration.Media(classes, clusterDrives, node.Ec is null ? ErasureSettings.ForDrives(clusterDrives.Length) : ErasureSettings.Parse(node.Ec),
                node.ProtectionLevelIndex, tier => new ClusterPlacement(() => runtime.Map, tier, node.ProtectionLevelIndex));
            NodeConfiguration.Validate(media, node.ProtectionLevel);
            drives = cluster.Drives;
        }
        else
        {
            node.Validate();
            media = node.Media(classes);
            drives = LocalDrives(node, time);
        }

        // Lifecycle, restores and the bill act on this node's clock held back to the cluster's: one node running ahead acts no earlier.
        var day = new DayClock(cluster is { } c ? new HeldBackClock(time, c.Options.NodeId, () => c.Map) : time, options.DaySeconds);

        var connectionsPerClient = new FrontDoor.Hosting.ConnectionsPerClient(options.FrontDoor.Limits.MaxConnectionsPerClient);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ParseEndpoint(options.Address), listen =>
            {
                connectionsPerClient.Configure(listen);
                if (certificate is not null) listen.UseS3Tls(certificate);
            });
            if (options.ConsoleAddress is { } consoleAddress)
                kestrel.Listen(ParseEndpoint(consoleAddress), listen =>
                {
                    if (certificate is not null) listen.UseS3Tls(certificate);
                });
            if (cluster is not null)
                kestrel.Listen(ParseEndpoint(cluster.Options.ClusterAddress), listen =>
                {
                    listen.UseClusterProtocol(cluster.Options.Transport.Tls);
                    cluster.Mux.ConfigureListener(listen);
                });
            kestrel.Limits.MaxRequestBodySize = null; // S3's own limits apply (5 GiB per PUT)
            var limits = options.FrontDoor.Limits;
            // No rate server-wide: the cluster port's streams are paced by their own deadlines; S3 requests get theirs in S3Dispatcher.
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.RequestHeadersTimeout = limits.HeaderTimeout;
            kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            kestrel.Limits.MaxRequestLineSize = limits.KestrelRequestLineBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.KestrelHeaderCount;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.KestrelHeaderSectionBytes;
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
            // Headers stored from a request (Content-Disposition, Content-Type) go back out as they came in.
            kestrel.ResponseHeaderEncodingSelector = _ => Encoding.UTF8;
            kestrel.AddServerHeader = false;
        });

        var s = builder.Services;
        s.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
        s.AddSingleton<TimeProvider>(time);
        s.AddSingleton(classes);
        s.AddSingleton(day);
        s.AddSingleton(options.FrontDoor);
        s.AddSingleton(options.GarbageCollector);
        s.AddSingleton(new ServerInfo(Version(), System.Diagnostics.Stopwatch.GetTimestamp(), dataPath));
        s.AddSingleton(new Owner(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.FrontDoor.AccessKey))), "cairn"));

        // Index plane: the router over one local shard owning every key, or over this node's replicas of the cluster's ranges.
        s.AddSingleton(machine);
        s.AddSingleton(MasterKeys(options, dataPath));
        if (cluster is null)
        {
            s.AddSingleton<IIndexShard>(_ => new RocksDbIndexShard(Path.Combine(dataPath, "index"), machine));
            s.AddSingleton(sp => IndexRouter.Single(sp.GetRequiredService<IIndexShard>(), sp.GetRequiredService<Metrics.IndexCommitMetrics>()));
            s.AddSingleton<IWorkOwnership, SoleOwner>();
            s.AddSingleton<IDriveAvailability>(new DriveStatsAvailability(drives));
        }
        else
        {
            s.AddSingleton(cluster);
            s.AddSingleton(sp => new IndexRouter(cluster.Ranges, sp.GetRequiredService<Metrics.IndexCommitMetrics>()));
            s.AddSingleton<IWorkOwnership>(new RangeLeadership(cluster));
            s.AddSingleton<IDriveAvailability>(new ClusterDriveAvailability(cluster));
            s.AddHostedService<ClusterHeartbeats>();
            s.AddHostedService<DownNodeRepair>();
            s.AddSingleton<RangeMerger>();
            s.AddSingleton<RangeSplitter>();
            s.AddHostedService(sp => sp.GetRequiredService<RangeSplitter>());
            s.AddHostedService<LeadershipSpread>();
            s.AddHostedService<GroupMembership>();
            s.AddSingleton<NodeAdmission>();
            s.AddSingleton<NodeDeparture>();
            s.AddSingleton<DriveDrain>();
            s.AddHostedService<MoveTriggers>();
        }
        s.AddSingleton<BucketCatalog>();
        s.AddSingleton<ObjectCatalog>();
        s.AddSingleton<ObjectLister>();
        s.AddSingleton<VersionLister>();
        s.AddSingleton<UploadCatalog>();
        s.AddSingleton<BucketUsage>();
        s.AddSingleton<LifecycleStore>();
        s.AddSingleton<BucketSettings>();
        s.AddSingleton<ObjectLockCatalog>();
        s.AddSingleton<StorageMeter>();
        s.AddSingleton<BillCalculator>();
        s.AddSingleton<BlobBookkeeping>();

        // Data plane: the drives (in a cluster, every node's), placement over their failure domains, the code for new blobs.
        s.AddSingleton(node);
        s.AddSingleton(media.Default.Placement);
        s.AddSingleton(drives);
        s.AddSingleton(media.Default.Code);
        s.AddSingleton(media);
        s.AddSingleton(new RepairQueue());
        s.AddSingleton<IRepairRequests>(sp => sp.GetRequiredService<RepairQueue>());
        s.AddSingleton<BlobStore>();
        s.AddSingleton<BlobRepair>();

        // Front door.
        s.AddSingleton<IdentityCatalog>();
        s.AddSingleton<IdentityView>();
        s.AddHostedService<IdentityRefresh>();
        s.AddSingleton<IIdentityPolicies, IdentityPolicies>();
        s.AddSingleton(sp => new RootCredentials(options.FrontDoor.AccessKey, options.FrontDoor.SecretKey, sp.GetRequiredService<Owner>()));
        s.AddSingleton<ICredentialStore, IdentityCredentials>();
        s.AddSingleton<IamUserActions>();
        s.AddSingleton<IamPolicyActions>();
        s.AddSingleton<IamRoleActions>();
        s.AddSingleton<IamGroupActions>();
        s.AddSingleton<IamAuthorization>();
        s.AddSingleton<IamResources>();
        s.AddSingleton<SessionTokens>();
        s.AddSingleton<ISessionCredentials>(sp => sp.GetRequiredService<SessionTokens>());
        s.AddSingleton<StsActions>();
        s.AddSingleton<IamEndpoint>();
        s.AddSingleton<SigV4Verifier>();
        s.AddSingleton(new S3Router(options.FrontDoor.Domains));
        s.AddSingleton(_ => new BodyMd5Factory());
        s.AddSingleton<ObjectWriter>();
        s.AddSingleton<ObjectReader>();
        s.AddSingleton<Cairn.FrontDoor.Encryption.KmsKeyRing>();
        s.AddSingleton<Cairn.FrontDoor.Encryption.DataKeys>();
        s.AddSingleton<ObjectHandlers>();
        s.AddSingleton<PostObjectHandler>();
        s.AddSingleton<ObjectTaggingHandlers>();
        s.AddSingleton<ObjectAttributesHandler>();
        s.AddSingleton<Cairn.FrontDoor.ObjectLock.ObjectLockHandlers>();
        s.AddSingleton<DeleteObjectsHandler>();
        s.AddSingleton<MultipartHandlers>();
        s.AddSingleton<BucketHandlers>();
        s.AddSingleton<BucketExistence>();
        s.AddSingleton<ListingHandlers>();
        s.AddSingleton(sp => new ClusterStatus(cluster, drives, sp.GetRequiredService<ServerInfo>(), sp.GetRequiredService<IWorkOwnership>(),
            sp.GetRequiredService<ScrubAndRepair>(), sp.GetRequiredService<IndexRouter>(), sp.GetRequiredService<FragmentMover>(), sp.GetRequiredService<IEvacuation>()));
        s.AddSingleton(sp => new ClusterAudit(sp.GetRequiredService<Cairn.Core.Observability.IAuditLog>(), cluster));
        s.AddSingleton<Cairn.Core.Observability.IAuditReader>(sp => sp.GetRequiredService<ClusterAudit>());
        s.AddSingleton<IAdminApi, AdminHandlers>();
        s.AddSingleton<ArchiveAccess>();
        s.AddSingleton<ExpirationHeader>();
        s.AddSingleton<RestoreObjectHandler>();
        s.AddSingleton<LifecycleConfigurationHandlers>();
        s.AddSingleton<Cairn.FrontDoor.Buckets.BucketSettingHandlers>();
        s.AddSingleton<Cairn.FrontDoor.Authorization.PolicyCache>();
        s.AddSingleton<Cairn.FrontDoor.Authorization.Authorizer>();
        s.AddSingleton<Cairn.FrontDoor.Authorization.BucketPolicyHandlers>();
        s.AddSingleton<Cairn.FrontDoor.Cors.CorsResponder>();
        s.AddSingleton<Cairn.FrontDoor.Website.WebsiteEndpoint>();
        s.AddSingleton<Cairn.FrontDoor.Acl.AclHandlers>();
        s.AddSingleton<RequestIds>();
        s.AddSingleton(NodeLogging.RequestLog(options.LogFormat));
        s.AddSingleton<IRequestObserver, RequestLog>();
        s.AddAuditLog(options.Audit with { Folder = Path.Combine(dataPath, "audit") });
        s.AddSingleton<Cairn.FrontDoor.AccessLogging.BucketLoggingHandlers>();
        s.AddSingleton<Cairn.FrontDoor.AccessLogging.AccessLogObserver>();
        s.AddSingleton<Cairn.FrontDoor.Observability.IRequestObserver>(sp => sp.GetRequiredService<Cairn.FrontDoor.AccessLogging.AccessLogObserver>());
        s.AddSingleton<Cairn.FrontDoor.AccessLogging.LogDeliveryPermission>();
        s.AddSingleton<Cairn.FrontDoor.AccessLogging.LogObjectWriter>();
        s.AddHostedService<Cairn.FrontDoor.AccessLogging.AccessLogDelivery>();
        s.AddSingleton<Cairn.FrontDoor.Identity.CanonicalIds>();
        s.AddSingleton<S3Dispatcher>();
        s.AddSingleton<ReadinessGate>();
        s.AddSingleton<HealthEndpoints>();
        s.AddCairnConsole(ConsoleOptions(options));

        // Workers.
        s.AddSingleton<GarbageCollector>();
        s.AddHostedService(sp => sp.GetRequiredService<GarbageCollector>());
        s.AddSingleton<DriveReturns>();
        s.AddHostedService<DriveMonitor>();
        s.AddSingleton(options.Durability);
        s.AddSingleton<DurabilityLedger>();
        s.AddSingleton(new DurabilityHistoryFile(Path.Combine(dataPath, "durability-history.json")));
        s.AddSingleton<DurabilityHistory>();
        s.AddSingleton(options.Usage);
        s.AddSingleton(sp => new Workers.Usage.UsageHistory(Path.Combine(dataPath, "usage"), options.Usage, time.GetUtcNow()));
        s.AddSingleton<Workers.Usage.UsageSampler>();
        s.AddHostedService(sp => sp.GetRequiredService<Workers.Usage.UsageSampler>());
        s.AddSingleton(sp => new Durability.ClusterDurability(sp.GetRequiredService<DurabilityLedger>(), sp.GetRequiredService<DurabilityHistory>(),
            sp.GetRequiredService<ScrubProgress>(), cluster));
        s.AddSingleton(sp => new Usage.ClusterUsage(sp.GetRequiredService<Workers.Usage.UsageSampler>(), options.Usage, cluster));
        s.AddHostedService(sp => sp.GetRequiredService<DurabilityHistory>());
        s.AddSingleton<LayoutWorkGate>();
        s.AddSingleton<ScrubProgress>();
        s.AddSingleton<RepairBacklog>();
        s.AddSingleton<ScrubAndRepair>();
        s.AddSingleton<FragmentMover>();
        s.AddHostedService(sp => sp.GetRequiredService<FragmentMover>());
        s.AddSingleton<IEvacuation, LayoutEvacuation>();
        s.AddSingleton<SpreadBack>();
        s.AddSingleton<ReturnedDriveRepair>();
        s.AddHostedService(sp => sp.GetRequiredService<ReturnedDriveRepair>());
        s.AddHostedService<ScrubWorker>();
        s.AddHostedService<ReadRepairWorker>();
        s.AddHostedService<DegradedBlobWorker>();
        s.AddSingleton<IVersionBytes>(sp => new VersionBytes(sp.GetRequiredService<ObjectReader>()));
        s.AddSingleton<LifecyclePass>();
        s.AddHostedService<LifecycleWorker>();
        s.AddSingleton<StalledClosings>();
        s.AddHostedService<ClosingLapseWorker>();
        Metrics.MetricsServices.AddMetrics(s, options.Metrics, cluster?.LocalDrives ?? drives, cluster);

        var app = builder.Build();
        // Razor Pages registers ASP.NET's authentication and authorization services, and WebApplication then puts their
        // middleware in front of every request, S3 requests included (a third of a small GET's time). Neither serves a
        // purpose here: S3 requests carry SigV4 and the console has its own session gate. These flags say they are placed.
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        ((IApplicationBuilder)app).Properties["__AuthorizationMiddlewareSet"] = true;
        var health = app.Services.GetRequiredService<HealthEndpoints>();
        var dispatcher = app.Services.GetRequiredService<S3Dispatcher>();
        if (cluster is not null) MapClusterPort(app, cluster, node);
        Metrics.MetricsEndpointMapping.MapMetrics(app);
        app.MapWhen(app.Services.GetRequiredService<ConsoleRoute>().Serves, branch => branch.UseCairnConsole());
        app.Run(http => health.TryHandle(http, out var response) ? response : dispatcher.HandleAsync(http));
        var readiness = app.Services.GetRequiredService<ReadinessGate>();
        if (cluster is null) app.Lifetime.ApplicationStarted.Register(readiness.MarkReady);
        else app.Lifetime.ApplicationStarted.Register(() => _ = ReadyWhenLedAsync(cluster, readiness, app.Lifetime.ApplicationStopping));
        return app;
    }

    /// <summary>
    /// The cluster port serves only node-to-node routes, each requiring the cluster secret; the S3 port never
    /// serves them (its requests never enter this branch).
    /// </summary>
    private static void MapClusterPort(WebApplication app, ClusterRuntime cluster, NodeConfiguration node)
    {
        var port = ParseEndpoint(cluster.Options.ClusterAddress).Port;
        var self = cluster.Map.Node(cluster.Options.NodeId)!;
        var description = new NodeDescription(self.Id, self.S3Address, self.ClusterAddress, self.Domain, cluster.Options.Join,
            cluster.Map.Drives.Where(d => d.NodeId == self.Id).Select(d => new DriveDescription(d.Id, d.Domain, d.Weight, d.Tier)).ToArray());
        app.MapWhen(http => http.Connection.LocalPort == port, branch =>
        {
            branch.UseClusterWire(cluster.Mux.Wire);
            branch.UseRouting();
            branch.UseEndpoints(endpoints =>
            {
                endpoints.MapDescription(description, cluster.Options.Secret);
                endpoints.MapFragmentStores(cluster.LocalDrives, cluster.Options.Secret);
                endpoints.MapRangeGroups(group => cluster.Replica(group)?.Shard, cluster.Options.Secret);
                endpoints.MapRangeCheckpoints(cluster.Replica, cluster.Options.Secret);
                endpoints.MapJoin(() => cluster.Meta, cluster.Options.Secret, cluster.Options.Time);
                endpoints.MapMetaGroup(() => cluster.Meta, cluster.Options.Secret);
                ClusterAudit.MapAudit(endpoints, app.Services.GetRequiredService<Cairn.Core.Observability.IAuditLog>(), cluster.Options.Secret);
                Durability.ClusterDurability.MapDurability(endpoints, app.Services.GetRequiredService<DurabilityLedger>(),
                    app.Services.GetRequiredService<DurabilityHistory>(), app.Services.GetRequiredService<ScrubProgress>(), cluster.Options.Secret);
                Usage.ClusterUsage.MapUsage(endpoints, app.Services.GetRequiredService<Workers.Usage.UsageSampler>(), cluster.Options.Secret);
            });
            branch.Run(http => { http.Response.StatusCode = StatusCodes.Status404NotFound; return Task.CompletedTask; });
        });
    }

    /// <summary>
    /// A cluster node is ready once the first range passes a read through it (its own replica's barrier, or a member's):
    /// before that, every request would wait. A node that joined is ready only once it holds the replicas the map gives
    /// it (<see cref="ClusterRuntime.JoinedAsync"/>).
    /// </summary>
    private static async Task ReadyWhenLedAsync(ClusterRuntime cluster, ReadinessGate readiness, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await cluster.JoinedAsync(stopping).ConfigureAwait(false);
                if (cluster.IndexReplica is { } first) await first.WaitForLeaderAsync(TimeSpan.FromSeconds(5), stopping).ConfigureAwait(false);
                var range = cluster.Ranges.Ranges[0].Shard ?? throw new InvalidOperationException("No replica of the first range yet.");
                (await range.ReadAsync(ReadScope.SpanOnly, stopping).ConfigureAwait(false)).Dispose();
                await PeersDrivesReachedAsync(cluster, TimeSpan.FromSeconds(5), stopping).ConfigureAwait(false);
                readiness.MarkReady();
                return;
            }
            catch (Exception) when (!stopping.IsCancellationRequested)
            {
                // No leader yet (the others are still starting): ask again.
                await Task.Delay(100, stopping).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A remote drive is offline until its owner first answers, and a probe made before the peers had started found
    /// them away: a PUT right after "ready" would then see too few drives. The node waits until every drive the map
    /// says is up has answered online, or until <paramref name="bound"/> (a peer that is really down must not keep
    /// the node unready; the map marks it down later).
    /// </summary>
    private static async Task PeersDrivesReachedAsync(ClusterRuntime cluster, TimeSpan bound, CancellationToken stopping)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < bound)
        {
            var map = cluster.Map;
            var away = map.Drives
                .Where(d => ClusterDriveAvailability.IsAvailable(map, d))
                .Select(d => cluster.Drives.TryGetValue(d.Id, out var store) ? store as RemoteFragmentStore : null)
                .OfType<RemoteFragmentStore>()
                .Where(store => !store.IsOnline)
                .ToList();
            if (away.Count == 0) return;
            await Task.WhenAll(away.Select(store => store.RefreshStatsAsync())).ConfigureAwait(false);
            if (away.All(store => store.IsOnline)) return;
            await Task.Delay(100, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>In a cluster a drive's id names its node (n1-d0), and its domain path ends with the node: zone/rack/node/drive.</summary>
    private static NodeConfiguration ClusterDrives(NodeConfiguration node, ClusterOptions cluster) => node with
    {
        Drives = node.Drives.Select((d, i) =>
        {
            var id = d.Id ?? $"{cluster.NodeId}-d{i}";
            return d with { Id = id, Domain = $"{cluster.FailureDomain}/{cluster.NodeId}/{id}" };
        }).ToArray(),
    };

    /// <summary>The console reaches this node's S3 port over loopback (an address bound to every interface is reached at loopback).</summary>
    private static WebConsole.ConsoleOptions ConsoleOptions(ServerOptions options)
    {
        var s3 = ParseEndpoint(options.Address);
        if (s3.Address.Equals(IPAddress.Any)) s3.Address = IPAddress.Loopback;
        else if (s3.Address.Equals(IPAddress.IPv6Any)) s3.Address = IPAddress.IPv6Loopback;
        return new WebConsole.ConsoleOptions
        {
            S3Endpoint = new Uri($"{(options.Tls is null ? "http" : "https")}://{s3}/"),
            Region = options.FrontDoor.Region,
            Address = options.ConsoleAddress,
            SessionIdle = options.ConsoleSessionIdle,
            BucketDomains = [.. options.FrontDoor.Domains, .. options.FrontDoor.WebsiteDomains],
        };
    }

    private static IReadOnlyDictionary<string, IFragmentStore> LocalDrives(NodeConfiguration node, TimeProvider time) =>
        node.Drives.Select((d, i) => (IFragmentStore)new LocalDrive(node.DriveId(i), d.Path, time)).ToDictionary(d => d.DriveId, StringComparer.Ordinal);

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

/// <summary>A range's work on the node leading it, a drive's sweep on its node, repair on the meta group's leader.</summary>
internal sealed class RangeLeadership(ClusterRuntime cluster) : IWorkOwnership
{
    public bool Tends(IIndexShard range) => range is ReplicatedIndexShard { IsLeader: true };

    public bool SweepsDrive(string driveId) => cluster.Map.Drive(driveId)?.NodeId == cluster.Options.NodeId;

    public bool RunsRepair => cluster.Meta.IsLeader;
}

/// <summary>
/// Lifecycle's transitions read a version's stored bytes through the front door's verified reader: an encrypted version's
/// sealed blocks move as they are, never opened (an SSE-C key is not there to open them).
/// </summary>
internal sealed class VersionBytes(ObjectReader reader) : IVersionBytes
{
    public Stream OpenStream(VersionRecord version, CancellationToken cancellationToken) => reader.OpenStoredStream(version, cancellationToken);
}
