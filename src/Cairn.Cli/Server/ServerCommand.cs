using System.CommandLine;
using Cairn.FrontDoor;
using Cairn.FrontDoor.Hosting;
using Cairn.Node;
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
        var gcGrace = new Option<TimeSpan>("--gc-grace") { Description = "Age before an unreferenced fragment is freed", DefaultValueFactory = _ => TimeSpan.FromMinutes(15) };
        var gcInterval = new Option<TimeSpan>("--gc-interval") { Description = "How often orphans are swept", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var drives = new Option<string?>("--drives") { Description = "Comma-separated drive directories (default: one drive under --data)" };
        var ec = new Option<string?>("--ec") { Description = "Erasure code K+M for new objects (default: chosen from the drive count)" };
        var protection = new Option<string>("--protection-level") { Description = "Failure-domain level holding at most M fragments of a stripe: zone, rack, node or drive", DefaultValueFactory = _ => "drive" };
        var scrubInterval = new Option<TimeSpan>("--scrub-interval") { Description = "How often scrub and repair run by themselves (0 = only on demand)", DefaultValueFactory = _ => TimeSpan.FromHours(6) };
        var scrubRate = new Option<long>("--scrub-rate") { Description = "Bytes per second scrub may read (0 = unthrottled)", DefaultValueFactory = _ => 200L * 1024 * 1024 };
        var afr = new Option<double>("--drive-afr") { Description = "Annual failure rate of one drive, for the durability estimate", DefaultValueFactory = _ => 0.02 };
        var config = new Option<string?>("--config") { Description = "JSON file with the drives (failure domains, weights, tiers), ec, protectionLevel and storage-class overrides" };
        var daySeconds = new Option<double>("--day-seconds") { Description = "Seconds a lifecycle, restore and billing day lasts (scale down for tests and demos, e.g. 0.05)", DefaultValueFactory = _ => 86_400 };
        var clockOffset = new Option<TimeSpan>("--clock-offset") { Description = "Run this node's clock ahead (or behind, negative) of the machine's: for clock-fault tests", DefaultValueFactory = _ => TimeSpan.Zero };
        var command = new Command("server", "Start a single-node store") { address, data, region, domain, gcGrace, gcInterval, drives, ec, protection, config, scrubInterval, scrubRate, afr, daySeconds, clockOffset };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var credentials = Credentials.FromEnvironment();
            if (credentials.IsDevelopmentPair)
                Console.WriteLine($"CAIRN_ACCESS_KEY/CAIRN_SECRET_KEY not set: using the development pair {Credentials.DevelopmentAccessKey} / {Credentials.DevelopmentSecretKey}. Do not use it in production.");
            NodeConfiguration? node = null;
            if (parse.GetValue(config) is { } configFile) node = NodeConfiguration.Load(configFile);
            else if (parse.GetValue(drives) is { } driveList)
                node = NodeConfiguration.FromPaths(driveList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), parse.GetValue(ec), parse.GetValue(protection)!);
            else if (parse.GetValue(ec) is { } code)
                node = NodeConfiguration.SingleDrive(parse.GetValue(data)!) with { Ec = code };
            var options = new ServerOptions
            {
                Address = parse.GetValue(address)!,
                DataPath = parse.GetValue(data)!,
                Node = node,
                DaySeconds = parse.GetValue(daySeconds) is > 0 and var seconds ? seconds : throw new ArgumentException("--day-seconds must be more than zero."),
                ClockOffset = parse.GetValue(clockOffset),
                StorageClasses = node?.StorageClassTable() ?? Core.StorageClasses.StorageClassTable.Default,
                FrontDoor = new FrontDoorOptions
                {
                    Region = parse.GetValue(region)!,
                    Domains = parse.GetValue(domain)!,
                    AccessKey = credentials.AccessKey,
                    SecretKey = credentials.SecretKey,
                },
                Durability = new DurabilityOptions { ScrubInterval = parse.GetValue(scrubInterval), ScrubBytesPerSecond = parse.GetValue(scrubRate), AnnualFailureRate = parse.GetValue(afr) },
                GarbageCollector = new GarbageCollectorOptions
                {
                    OrphanGrace = parse.GetValue(gcGrace),
                    OrphanSweepInterval = parse.GetValue(gcInterval),
                },
            };
            await using var app = NodeHost.Build(options);
            await app.StartAsync(cancellationToken);
            var layout = options.Node is null ? "1 drive" : $"{options.Node.Drives.Count} drives, {options.Node.Erasure}";
            Console.WriteLine($"Cairn {NodeHost.Version()} serving S3 on http://{options.Address} (data: {Path.GetFullPath(options.DataPath)}, {layout}, region {options.FrontDoor.Region})");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
