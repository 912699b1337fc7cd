using System.CommandLine;
using Cairn.FrontDoor;
using Cairn.FrontDoor.Hosting;
using Cairn.Node;
using Cairn.Node.Cluster;
using Cairn.Transport;
using Cairn.Transport.Tls;
using Cairn.Workers;
using Microsoft.Extensions.Hosting;

namespace Cairn.Cli.Server;

/// <summary>`cairn server`: runs a single node until interrupted.</summary>
public static class ServerCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--address") { Description = "HOST:PORT to listen on", DefaultValueFactory = _ => "127.0.0.1:9000" };
        var data = new Option<string>("--data") { Description = "Directory for the index and the default drive", DefaultValueFactory = _ => "./data" };
        var region = new Option<string>("--region") { Description = "The region this endpoint serves", DefaultValueFactory = _ => "us-east-1" };
        var domain = new Option<string[]>("--domain") { Description = "Domain for virtual-hosted-style addressing (bucket.DOMAIN)", DefaultValueFactory = _ => ["localhost"] };
        var websiteDomain = new Option<string[]>("--website-domain")
        {
            Description = "Domain of website endpoints (e.g. s3-website.localhost): Host bucket.DOMAIN serves the bucket's website, anonymously (default: none)",
            DefaultValueFactory = _ => [],
        };
        var gcGrace = new Option<TimeSpan>("--gc-grace") { Description = "How long sweeps must find a fragment unreferenced (elapsed time) before it is freed", DefaultValueFactory = _ => TimeSpan.FromMinutes(15) };
        var gcInterval = new Option<TimeSpan>("--gc-interval") { Description = "How often orphans are swept", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var drives = new Option<string?>("--drives") { Description = "Comma-separated drive directories (default: one drive under --data)" };
        var ec = new Option<string?>("--ec") { Description = "Erasure code K+M for new objects (default: chosen from the drive count)" };
        var protection = new Option<string?>("--protection-level") { Description = "Failure-domain level holding at most M fragments of a stripe: zone, rack, node or drive (default: drive alone, node in a cluster)" };
        var scrubInterval = new Option<TimeSpan>("--scrub-interval") { Description = "How often scrub and repair run by themselves (0 = only on demand)", DefaultValueFactory = _ => TimeSpan.FromHours(6) };
        var scrubRate = new Option<long>("--scrub-rate") { Description = "Bytes per second scrub may read (0 = unthrottled)", DefaultValueFactory = _ => 200L * 1024 * 1024 };
        var rebalanceRate = new Option<long>("--rebalance-rate")
        {
            Description = "Bytes per second the fragment mover may copy when it rebalances onto new drives, empties draining drives and spreads back (e.g. 64MiB; 0 = no rebalance, the rest at the scrub rate)",
            DefaultValueFactory = _ => new DurabilityOptions().RebalanceBytesPerSecond,
            CustomParser = r => OptionParsing.Parse<long>(r, Bench.ByteSize.TryParse),
        };
        var afr = new Option<double>("--drive-afr") { Description = "Annual failure rate of one drive, for the durability estimate", DefaultValueFactory = _ => 0.02 };
        var config = new Option<string?>("--config") { Description = "JSON file with the drives (failure domains, weights, tiers), ec, protectionLevel and storage-class overrides" };
        var accessLogInterval = new Option<TimeSpan>("--access-log-interval")
        {
            Description = "How often each node delivers server access logs, one log object per logged bucket (S3: within minutes; shorten for tests)",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        };
        var minSessionSeconds = new Option<int>("--min-session-seconds") { Description = "The shortest STS session AssumeRole grants (AWS: 900; lower it only for tests and demos)", DefaultValueFactory = _ => 900 };
        var daySeconds = new Option<double>("--day-seconds") { Description = "Seconds a lifecycle, restore and billing day lasts (scale down for tests and demos, e.g. 0.05)", DefaultValueFactory = _ => 86_400 };
        var clockOffset = new Option<TimeSpan>("--clock-offset")
        {
            Description = "Fault injection: this node's wall clock runs this far ahead of the machine's (5m), or behind (-90s); timers and elapsed time are untouched",
            DefaultValueFactory = _ => TimeSpan.Zero,
            CustomParser = r => OptionParsing.Parse<TimeSpan>(r, Bench.DurationText.TryParseOffset),
        };
        var nodeId = new Option<string?>("--node-id") { Description = "This node's id in a cluster (e.g. n1); with --cluster-address and --join it joins a cluster" };
        var clusterAddress = new Option<string?>("--cluster-address") { Description = "HOST:PORT for node-to-node traffic (never S3); needs the cluster secret" };
        var join = new Option<string?>("--join") { Description = "Comma-separated cluster addresses of the nodes that bootstrap the cluster, this one included (the same list on each); without this node's own address, nodes of a running cluster to join" };
        var failureDomain = new Option<string>("--failure-domain") { Description = "zone/rack of this node's machine, for placement across failure domains", DefaultValueFactory = _ => "zone1/rack1" };
        var downAfter = DurationOption("--down-after",
            "A node silent this long is marked down and its data repaired onto the others: 10s, 5m (fixed when the cluster is bootstrapped)", TimeSpan.FromSeconds(10));
        var splitObjects = new Option<long>("--split-objects")
        {
            Description = "A range holding more objects than this splits in two at its middle key (0: only `cairn admin cluster split` splits)",
            DefaultValueFactory = _ => 250_000,
        };
        var rangeReplicas = new Option<int>("--range-replicas")
        {
            Description = "Replicas of each index range, on nodes in distinct failure domains (fixed when the cluster is bootstrapped; the other nodes reach a range through them)",
            DefaultValueFactory = _ => 3,
        };
        var splitRate = new Option<double>("--split-rate")
        {
            Description = "A range applying more write commands a second than this, two checks in a row, splits at the median key written (0: never by rate)",
            DefaultValueFactory = _ => 2_500,
        };
        var mergeObjects = new Option<long>("--merge-objects")
        {
            Description = "Two neighbouring ranges on the same nodes holding together fewer objects than this, both cold (see --merge-rate), merge (default: a quarter of --split-objects; 0: only `cairn admin cluster merge` merges)",
            DefaultValueFactory = _ => -1,
        };
        var mergeRate = new Option<double>("--merge-rate")
        {
            Description = "A range applying fewer write commands a second than this, two checks in a row, is cold enough to merge (default: a tenth of --split-rate)",
            DefaultValueFactory = _ => -1,
        };
        var splitCheckInterval = DurationOption("--split-check-interval", "How often ranges are checked for a split or merge by size or rate: 10s, 1m", TimeSpan.FromSeconds(10));
        var snapshotInterval = new Option<long>("--raft-snapshot-interval")
        {
            Description = "Every Raft group (the meta group, each range) snapshots its state every this many log entries and cuts its log behind: a member further behind is sent the snapshot",
            DefaultValueFactory = _ => new Consensus.RangeReplicaOptions().SnapshotInterval,
        };
        var routePeer = new Option<string[]>("--route-peer")
        {
            Description = "PEER=VIA (IP:PORT each; repeatable or comma-separated): dial the node whose cluster address is PEER at VIA instead, for fault injection, tunnels and NAT",
            DefaultValueFactory = _ => [],
        };
        var secretFile = new Option<string?>("--cluster-secret-file") { Description = "File holding the cluster secret (default: the CAIRN_CLUSTER_SECRET environment variable)" };
        var masterKeyFile = new Option<string?>("--master-key-file")
        {
            Description = "File of master keys that seal secrets at rest, 'id base64(32 bytes)' per line, the first sealing new ones (default: CAIRN_MASTER_KEY_FILE, else DATA/master.key created on first start; a cluster node without one derives it from the cluster secret)",
        };
        var defaultEncryption = new Option<string>("--default-encryption")
        {
            Description = "How objects are encrypted when neither the request nor the bucket's configuration asks: AES256 (SSE-S3, as S3 since 2023) or none",
            DefaultValueFactory = _ => "AES256",
        };
        var kmsKey = new Option<string[]>("--kms-key")
        {
            Description = "A KMS key SSE-KMS may name besides aws/s3: ID or alias/NAME=ID (repeatable)",
            DefaultValueFactory = _ => [],
        };
        var tlsCert = new Option<string?>("--tls-cert")
        {
            Description = "PEM certificate (the chain may follow the leaf) to serve S3 over HTTPS and, in a cluster, the cluster port over TLS; re-read when the file changes",
        };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key (RSA or ECDSA) of --tls-cert; re-read when the file changes" };
        var tlsCa = new Option<string?>("--tls-ca")
        {
            Description = "PEM certificates of the CA that signs the nodes' certificates, which nodes verify each other against (default: the chain in --tls-cert)",
        };
        var limitDefaults = new FrontDoor.Hosting.RequestLimits();
        var maxHeaderBytes = new Option<int>("--max-header-bytes")
        {
            Description = "Largest request header section (bytes) served; larger is refused with 400 RequestHeaderSectionTooLarge, as S3 does at 8 KiB",
            DefaultValueFactory = _ => limitDefaults.MaxHeaderSectionBytes,
        };
        var maxRequestLine = new Option<int>("--max-request-line-bytes")
        {
            Description = "Longest request line (method, URL, version) served; longer is refused with 400 InvalidURI", DefaultValueFactory = _ => limitDefaults.MaxRequestLineBytes,
        };
        var maxConnectionsPerClient = new Option<int>("--max-connections-per-client")
        {
            Description = "Open connections one client address may hold on the S3 port; one more is answered 503 SlowDown and closed (0 = no limit)",
            DefaultValueFactory = _ => limitDefaults.MaxConnectionsPerClient,
        };
        var minUploadRate = new Option<double>("--min-upload-rate")
        {
            Description = "Bytes a second an upload must keep up after --upload-rate-grace, else it ends with 400 RequestTimeout (0 = no check)",
            DefaultValueFactory = _ => limitDefaults.MinUploadBytesPerSecond,
        };
        var uploadRateGrace = DurationOption("--upload-rate-grace", "How long an upload may run below --min-upload-rate before it is ended: 10s", limitDefaults.UploadRateGrace);
        var headerTimeout = DurationOption("--header-timeout", "A client that has not sent its request headers by then is disconnected (408): 30s", limitDefaults.HeaderTimeout);
        var keepAliveTimeout = DurationOption("--keep-alive-timeout", "An idle kept-alive connection is closed after this: 130s", limitDefaults.KeepAliveTimeout);
        var logFormat = new Option<string>("--log-format") { Description = "text (one readable line per log) or json (one JSON object per line, a line per request)", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var auditMaxFileBytes = new Option<long>("--audit-max-file-bytes")
        {
            Description = "The audit log starts a new file (DATA/audit/audit-YYYYMMDD-HHMMSS.jsonl) before one grows past this (e.g. 64MiB)",
            DefaultValueFactory = _ => Node.Audit.AuditLogOptions.DefaultMaxFileBytes,
            CustomParser = r => OptionParsing.Parse<long>(r, Bench.ByteSize.TryParse),
        };
        var auditKeepFiles = new Option<int>("--audit-keep-files") { Description = "The audit log keeps its newest this many files", DefaultValueFactory = _ => Node.Audit.AuditLogOptions.DefaultKeepFiles };
        var consoleAddress = new Option<string?>("--console-address") { Description = "HOST:PORT serving the web console alone (default: the console is at /console on the S3 port)" };
        var consoleSessionIdle = DurationOption("--console-session-idle", "A console session unused this long ends: 30m", TimeSpan.FromMinutes(30));
        var command = new Command("server", "Start a node: a store alone, or a member of a cluster")
        {
            logFormat, auditMaxFileBytes, auditKeepFiles,
            defaultEncryption, kmsKey, consoleAddress, consoleSessionIdle,
            address, data, region, domain, websiteDomain, gcGrace, gcInterval, drives, ec, protection, config, scrubInterval, scrubRate, rebalanceRate, afr, daySeconds, minSessionSeconds, accessLogInterval, clockOffset,
            nodeId, clusterAddress, join, failureDomain, secretFile, masterKeyFile, downAfter, splitObjects, splitRate, mergeObjects, mergeRate, splitCheckInterval, rangeReplicas, snapshotInterval, routePeer,
            tlsCert, tlsKey, tlsCa, maxHeaderBytes, maxRequestLine, minUploadRate, uploadRateGrace, headerTimeout, keepAliveTimeout, maxConnectionsPerClient,
        };
        var metrics = new MetricsArguments();
        foreach (var option in metrics.Options) command.Options.Add(option);
        var usage = new UsageArguments();
        foreach (var option in usage.Options) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
          try
          {
            var credentials = Credentials.FromEnvironment();
            var cluster = ClusterArguments.Parse(parse.GetValue(nodeId), parse.GetValue(clusterAddress), parse.GetValue(join), parse.GetValue(failureDomain)!, parse.GetValue(secretFile)) is { } c
                ? c with
                {
                    DownAfter = parse.GetValue(downAfter) > TimeSpan.Zero ? parse.GetValue(downAfter) : throw new ArgumentException("--down-after must be positive."),
                    SplitObjects = parse.GetValue(splitObjects) >= 0 ? parse.GetValue(splitObjects) : throw new ArgumentException("--split-objects must be 0 or more."),
                    RangeReplicas = parse.GetValue(rangeReplicas) is >= 1 and <= 5 and var replicas ? replicas : throw new ArgumentException("--range-replicas must be 1 to 5."),
                    SplitRate = parse.GetValue(splitRate) >= 0 ? parse.GetValue(splitRate) : throw new ArgumentException("--split-rate must be 0 or more."),
                    MergeObjects = parse.GetValue(mergeObjects) is >= 0 and var m ? m : parse.GetValue(mergeObjects) == -1 ? null : throw new ArgumentException("--merge-objects must be 0 or more."),
                    MergeRate = parse.GetValue(mergeRate) is >= 0 and var r ? r : parse.GetValue(mergeRate) == -1 ? null : throw new ArgumentException("--merge-rate must be 0 or more."),
                    SplitCheckInterval = parse.GetValue(splitCheckInterval) > TimeSpan.Zero
                        ? parse.GetValue(splitCheckInterval) : throw new ArgumentException("--split-check-interval must be positive."),
                    Transport = c.Transport with { Routes = PeerRoutes.Parse(parse.GetValue(routePeer)!) },
                    Raft = c.Raft with
                    {
                        SnapshotInterval = parse.GetValue(snapshotInterval) >= 1 ? parse.GetValue(snapshotInterval) : throw new ArgumentException("--raft-snapshot-interval must be 1 or more."),
                    },
                }
                : null;
            var level = parse.GetValue(protection) ?? (cluster is null ? "drive" : "node");
            NodeConfiguration? node = null;
            if (parse.GetValue(config) is { } configFile) node = NodeConfiguration.Load(configFile);
            else if (parse.GetValue(drives) is { } driveList)
                node = NodeConfiguration.FromPaths(driveList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), parse.GetValue(ec), level);
            else if (parse.GetValue(ec) is { } code || cluster is not null)
                node = NodeConfiguration.SingleDrive(parse.GetValue(data)!) with { Ec = parse.GetValue(ec), ProtectionLevel = level };
            var options = new ServerOptions
            {
                Address = parse.GetValue(address)!,
                DataPath = parse.GetValue(data)!,
                MasterKeyFile = parse.GetValue(masterKeyFile) ?? NonEmpty(Environment.GetEnvironmentVariable("CAIRN_MASTER_KEY_FILE")),
                Node = node,
                Cluster = cluster,
                Tls = TlsArguments(parse.GetValue(tlsCert), parse.GetValue(tlsKey), parse.GetValue(tlsCa)),
                DaySeconds = parse.GetValue(daySeconds) is > 0 and var seconds ? seconds : throw new ArgumentException("--day-seconds must be more than zero."),
                ClockOffset = parse.GetValue(clockOffset),
                Metrics = metrics.Parse(parse),
                Usage = usage.Parse(parse),
                LogFormat = parse.GetValue(logFormat) == "json" ? Node.Logging.LogFormat.Json : Node.Logging.LogFormat.Text,
                Audit = new Node.Audit.AuditLogOptions
                {
                    Folder = "audit",
                    MaxFileBytes = parse.GetValue(auditMaxFileBytes) >= 1024 ? parse.GetValue(auditMaxFileBytes) : throw new ArgumentException("--audit-max-file-bytes must be 1KiB or more."),
                    KeepFiles = parse.GetValue(auditKeepFiles) >= 1 ? parse.GetValue(auditKeepFiles) : throw new ArgumentException("--audit-keep-files must be 1 or more."),
                },
                ConsoleAddress = parse.GetValue(consoleAddress),
                ConsoleSessionIdle = parse.GetValue(consoleSessionIdle) > TimeSpan.Zero ? parse.GetValue(consoleSessionIdle) : throw new ArgumentException("--console-session-idle must be positive."),
                StorageClasses = node?.StorageClassTable() ?? Core.StorageClasses.StorageClassTable.Default,
                FrontDoor = new FrontDoorOptions
                {
                    Region = parse.GetValue(region)!,
                    Domains = parse.GetValue(domain)!,
                    WebsiteDomains = parse.GetValue(websiteDomain)!,
                    Limits = new FrontDoor.Hosting.RequestLimits
                    {
                        MaxHeaderSectionBytes = parse.GetValue(maxHeaderBytes) >= 1024 ? parse.GetValue(maxHeaderBytes) : throw new ArgumentException("--max-header-bytes must be 1024 or more."),
                        MaxRequestLineBytes = parse.GetValue(maxRequestLine) >= 1024 ? parse.GetValue(maxRequestLine) : throw new ArgumentException("--max-request-line-bytes must be 1024 or more."),
                        MinUploadBytesPerSecond = parse.GetValue(minUploadRate) >= 0 ? parse.GetValue(minUploadRate) : throw new ArgumentException("--min-upload-rate must be 0 or more."),
                        UploadRateGrace = parse.GetValue(uploadRateGrace) > TimeSpan.FromSeconds(1) ? parse.GetValue(uploadRateGrace) : throw new ArgumentException("--upload-rate-grace must be more than 1s (Kestrel's minimum)."),
                        HeaderTimeout = parse.GetValue(headerTimeout) > TimeSpan.Zero ? parse.GetValue(headerTimeout) : throw new ArgumentException("--header-timeout must be positive."),
                        KeepAliveTimeout = parse.GetValue(keepAliveTimeout) > TimeSpan.Zero ? parse.GetValue(keepAliveTimeout) : throw new ArgumentException("--keep-alive-timeout must be positive."),
                        MaxConnectionsPerClient = parse.GetValue(maxConnectionsPerClient) >= 0
                            ? parse.GetValue(maxConnectionsPerClient) : throw new ArgumentException("--max-connections-per-client must be 0 or more."),
                    },
                    EncryptByDefault = parse.GetValue(defaultEncryption) switch
                    {
                        "AES256" => true,
                        "none" => false,
                        _ => throw new ArgumentException("--default-encryption must be AES256 or none."),
                    },
                    KmsKeys = parse.GetValue(kmsKey)!,
                    AccessKey = credentials.AccessKey,
                    SecretKey = credentials.SecretKey,
                    MinimumSessionSeconds = parse.GetValue(minSessionSeconds) is >= 1 and <= 900 and var minimum ? minimum : throw new ArgumentException("--min-session-seconds must be 1 to 900."),
                    AccessLogInterval = parse.GetValue(accessLogInterval) > TimeSpan.Zero ? parse.GetValue(accessLogInterval) : throw new ArgumentException("--access-log-interval must be positive."),
                },
                Durability = new DurabilityOptions
                {
                    ScrubInterval = parse.GetValue(scrubInterval), ScrubBytesPerSecond = parse.GetValue(scrubRate), AnnualFailureRate = parse.GetValue(afr),
                    RebalanceBytesPerSecond = parse.GetValue(rebalanceRate) >= 0 ? parse.GetValue(rebalanceRate) : throw new ArgumentException("--rebalance-rate must be 0 or more."),
                },
                GarbageCollector = new GarbageCollectorOptions
                {
                    OrphanGrace = parse.GetValue(gcGrace),
                    OrphanSweepInterval = parse.GetValue(gcInterval),
                },
            };
            await using var app = await NodeHost.BuildAsync(options, cancellationToken);
            await app.StartAsync(cancellationToken);
            var layout = options.Node is null ? "1 drive" : $"{options.Node.Drives.Count} drives";
            var role = cluster is null ? "" : $", node {cluster.NodeId} of a cluster, cluster port {cluster.ClusterAddress}";
            var say = StartLines(app, options.LogFormat);
            if (credentials.IsDevelopmentPair)
                say($"CAIRN_ACCESS_KEY/CAIRN_SECRET_KEY not set: using the development pair {Credentials.DevelopmentAccessKey} / {Credentials.DevelopmentSecretKey}. Do not use it in production.");
            say($"Cairn {NodeHost.Version()} serving S3 on {(options.Tls is null ? "http" : "https")}://{options.Address} (data: {Path.GetFullPath(options.DataPath)}, {layout}, region {options.FrontDoor.Region}{role})");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
          }
          catch (Exception e) when (e is ArgumentException or TimeoutException or InvalidDataException or FileNotFoundException or FormatException)
          {
              // A configuration the node cannot run with (or a peer that never answered): say why, without a stack trace.
              Console.Error.WriteLine($"cairn server: {e.Message}");
              return 1;
          }
        });
        return command;
    }

    /// <summary>What the server says once it serves: plain lines in text format, log entries (category Cairn.Server) in JSON, so stdout stays JSON lines.</summary>
    private static Action<string> StartLines(Microsoft.AspNetCore.Builder.WebApplication app, Node.Logging.LogFormat format)
    {
        if (format == Node.Logging.LogFormat.Text) return Console.WriteLine;
        var log = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(app.Services)
            .CreateLogger("Cairn.Server");
        return line => Node.Logging.NodeLogging.Say(log, line);
    }

    /// <summary>--tls-cert and --tls-key go together; --tls-ca only with them.</summary>
    private static TlsFiles? TlsArguments(string? certificate, string? key, string? ca) => (certificate, key) switch
    {
        (null, null) => ca is null ? null : throw new ArgumentException("--tls-ca needs --tls-cert and --tls-key."),
        ({ } c, { } k) => new TlsFiles(c, k, ca),
        _ => throw new ArgumentException("--tls-cert and --tls-key go together."),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A duration written as 10s, 5m or 1h.</summary>
    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = r => OptionParsing.Parse<TimeSpan>(r, Bench.DurationText.TryParse),
    };
}
