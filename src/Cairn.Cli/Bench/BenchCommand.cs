using System.CommandLine;
using System.CommandLine.Parsing;
using static Cairn.Cli.OptionParsing;

namespace Cairn.Cli.Bench;

/// <summary>
/// `cairn bench`: a warp-style load generator for any S3 endpoint. PUTs a fixed working set of --objects
/// keys (untimed), then PUTs distinct keys, GETs the working set, DELETEs every key it wrote, each phase
/// for --duration with --concurrency workers, and reports throughput and latency.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var endpoint = new Option<Uri>("--endpoint")
        {
            Description = "The S3 endpoint's URL",
            DefaultValueFactory = _ => new Uri("http://127.0.0.1:9000"),
            CustomParser = r => Parse<Uri>(r, TryParseEndpoint),
        };
        var size = new Option<long>("--size")
        {
            Description = "Object size: 512B, 4KiB, 64MiB, 1GiB (binary) or 1KB, 1MB (decimal)",
            DefaultValueFactory = _ => 4096,
            CustomParser = r => Parse<long>(r, ByteSize.TryParse),
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Parallel workers (one connection each)", DefaultValueFactory = _ => 16 };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "Length of each phase: 500ms, 20s, 1m",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(20),
            CustomParser = r => Parse<TimeSpan>(r, DurationText.TryParse),
        };
        var bucket = new Option<string?>("--bucket") { Description = "Bucket to use (created if missing, kept if it existed); default: a new cairn-bench-… bucket, deleted afterwards" };
        var region = new Option<string>("--region") { Description = "Signing region", DefaultValueFactory = _ => "us-east-1" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON, without progress display" };
        var checksum = new Option<string>("--checksum")
        {
            Description = "SDK checksum behaviour for requests and responses. WHEN_REQUIRED (default): no CRC32 trailer on PUT, no validation on GET, "
                + "so the server's own work is measured. WHEN_SUPPORTED: the AWS SDK default, CRC32 computed by the client on PUT and validated on GET",
            DefaultValueFactory = _ => BenchSettings.WhenRequired,
        };
        var objects = new Option<int?>("--objects")
        {
            Description = "Working set: objects of --size put before the timed phases (untimed); the GET phase reads only these. "
                + $"Default: {BenchSettings.DefaultObjectsPerWorker} × --concurrency",
        };
        objects.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() < 1) r.AddError("--objects must be at least 1");
        });
        concurrency.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--concurrency must be at least 1");
        });
        checksum.AcceptOnlyFromAmong(BenchSettings.WhenRequired, BenchSettings.WhenSupported);
        var client = new Option<string>("--client")
        {
            Description = "http (default): a lean SigV4 HttpClient, as warp uses a lean client, so the load generator's CPU stays small. "
                + "sdk: AWSSDK.S3, with --checksum deciding its CRC32 behaviour",
            DefaultValueFactory = _ => BenchSettings.HttpClient,
        };
        client.AcceptOnlyFromAmong(BenchSettings.HttpClient, BenchSettings.SdkClient);
        var memoryProbe = new Option<int?>("--memory-probe") { Description = "PID of a local process (the server) whose RSS is sampled during the run; the maximum is reported" };

        var command = new Command("bench", "S3 load generator: PUT a working set of --objects (untimed), then PUT, GET (the working set), DELETE, each phase for --duration")
        {
            endpoint, size, concurrency, duration, objects, bucket, region, json, checksum, memoryProbe, client,
        };
        command.SetAction((parse, cancellationToken) => BenchRun.RunAsync(
            new BenchSettings(
                parse.GetValue(endpoint)!,
                parse.GetValue(size),
                parse.GetValue(concurrency),
                parse.GetValue(duration),
                parse.GetValue(bucket),
                parse.GetValue(region)!,
                parse.GetValue(json),
                parse.GetValue(checksum)!,
                parse.GetValue(memoryProbe),
                parse.GetValue(client)!,
                parse.GetValue(objects)),
            Credentials.FromEnvironment(),
            cancellationToken));
        return command;
    }
}
