using System.CommandLine;
using System.CommandLine.Parsing;
using Cairn.Checking;
using Cairn.Checking.Campaign;
using Cairn.Checking.Search;
using Cairn.Checking.History;
using Cairn.Checking.Workload;
using Cairn.Cli.Bench;
using static Cairn.Cli.OptionParsing;

namespace Cairn.Cli.Check;

/// <summary>
/// `cairn check linearizability`: records concurrent clients' PUT / GET / DELETE / conditional / LIST calls on a few keys
/// of any S3 endpoint and checks that some total order explains them. Exit 0: linearizable; 1: not (the smallest
/// unexplainable sets are printed); 2: usage error; 3: the run could not start or the check could not decide in time.
/// </summary>
public static class CheckCommand
{
    public static Command Create() => new("check", "Correctness checks against any S3 endpoint, and fault campaigns against a local cluster")
    {
        Linearizability(), Campaign(),
    };

    /// <summary>
    /// `cairn check campaign`: a local cluster under faults (see <see cref="CampaignRun"/>). Exit 0 only when the history
    /// is linearizable and nothing acknowledged was lost, resurrected or left orphaned; 1 when a promise was broken; 3 when
    /// the run could not start or the check could not decide. The last line is the summary.
    /// </summary>
    private static Command Campaign()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes of the local cluster (3 to 5)", DefaultValueFactory = _ => 5 };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "How long the workloads run under faults: 90s, 10m",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
            CustomParser = r => Parse<TimeSpan>(r, DurationText.TryParse),
        };
        var faults = new Option<IReadOnlySet<FaultKind>>("--faults")
        {
            Description = $"Faults to inject, comma-separated, from {string.Join(", ", CampaignSettings.Names.Keys)} (wipe is a negative control the campaign must fail); none: a run without faults",
            DefaultValueFactory = _ => CampaignSettings.RealFaults,
            CustomParser = r => Parse<IReadOnlySet<FaultKind>>(r, TryParseFaults),
        };
        var every = new Option<TimeSpan>("--fault-every")
        {
            Description = "A fault starts this often and is healed before the next",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(20),
            CustomParser = r => Parse<TimeSpan>(r, DurationText.TryParse),
        };
        var data = new Option<string?>("--data") { Description = "Folder for the nodes' data and logs (default: a fresh folder under the temp folder)" };
        var seed = new Option<int?>("--seed") { Description = "Seed for the faults' and clients' random choices (default: random)" };
        var command = new Command("campaign",
            "Start a local cluster, run checked clients and acknowledged writes over every node while injecting faults, then check "
            + "linearizability, read back every acknowledged object and wait for the GC to free every fragment. Arguments after -- go to every node.")
        {
            nodes, duration, faults, every, data, seed,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(nodes);
            if (count is < 3 or > 5) throw new ArgumentException("--nodes must be between 3 and 5.");
            var credentials = Credentials.FromEnvironment();
            var chosenSeed = parse.GetValue(seed) ?? Random.Shared.Next();
            var settings = new CampaignSettings(
                Environment.ProcessPath!,
                Path.GetFullPath(parse.GetValue(data) ?? Path.Combine(Path.GetTempPath(), $"cairn-campaign-{chosenSeed}-{Guid.NewGuid().ToString("N")[..6]}")),
                count, parse.GetValue(duration), parse.GetValue(faults)!, parse.GetValue(every),
                new S3Credentials(credentials.AccessKey, credentials.SecretKey), chosenSeed,
                parse.UnmatchedTokens.Where(a => a != "--").ToList());
            Console.Error.WriteLine($"campaign seed {chosenSeed}; nodes' data and logs in {settings.DataFolder}");
            CampaignOutcome outcome;
            try
            {
                outcome = await CampaignRun.RunAsync(settings, Console.Out, cancellationToken);
            }
            catch (Exception e) when (e is WorkloadFailed or TimeoutException or InvalidOperationException or HttpRequestException)
            {
                Console.Out.WriteLine($"campaign: could not run: {e.Message}");
                return CheckRun.CouldNotDecide;
            }
            Console.Out.WriteLine(outcome.Summary);
            return outcome.Passed ? 0 : outcome.Verdict is SearchOutcome.Linearizable or SearchOutcome.NotLinearizable ? 1 : CheckRun.CouldNotDecide;
        });
        return command;
    }


    private static Command Linearizability()
    {
        var endpoints = new Option<IReadOnlyList<Uri>>("--endpoints")
        {
            Description = "S3 endpoint URLs, comma-separated; clients are spread over them round-robin",
            DefaultValueFactory = _ => [new Uri("http://127.0.0.1:9000")],
            CustomParser = r => Parse<IReadOnlyList<Uri>>(r, TryParseEndpoints),
        };
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "How long the clients run: 20s, 5m, 1h",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
            CustomParser = r => Parse<TimeSpan>(r, DurationText.TryParse),
        };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients", DefaultValueFactory = _ => 8 };
        var keys = new Option<int>("--keys") { Description = "Keys the clients share", DefaultValueFactory = _ => 4 };
        var operations = new Option<IReadOnlySet<OperationKind>>("--ops")
        {
            Description = $"Calls to make, comma-separated, from {string.Join(", ", OperationMix.Names.Keys)}; "
                + "delete-if-match (conditional DELETE) is off by default because not every S3 endpoint supports it",
            DefaultValueFactory = _ => WorkloadSettings.DefaultOperations,
            CustomParser = r => Parse<IReadOnlySet<OperationKind>>(r, TryParseOperations),
        };
        var requestTimeout = new Option<TimeSpan>("--request-timeout")
        {
            Description = "After this a call counts as of unknown outcome (possibly applied)",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(10),
            CustomParser = r => Parse<TimeSpan>(r, DurationText.TryParse),
        };
        var checkTimeout = new Option<TimeSpan>("--check-timeout")
        {
            Description = "How long the check may search one key before calling it undecided",
            DefaultValueFactory = _ => CheckerOptions.Default.KeyBudget,
            CustomParser = r => Parse<TimeSpan>(r, DurationText.TryParse),
        };
        var maxOperations = new Option<int>("--max-ops-per-client") { Description = "A bound on each client's calls besides --duration", DefaultValueFactory = _ => 1_000_000 };
        var region = new Option<string>("--region") { Description = "Signing region", DefaultValueFactory = _ => "us-east-1" };
        var accessKey = new Option<string?>("--access-key") { Description = "Access key; default: CAIRN_ACCESS_KEY, else the development pair" };
        var secretKey = new Option<string?>("--secret-key") { Description = "Secret key; default: CAIRN_SECRET_KEY, else the development pair" };
        var seed = new Option<int?>("--seed") { Description = "Seed for the clients' random choices (default: random)" };
        foreach (var positive in new[] { clients, keys, maxOperations })
            positive.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1) r.AddError($"{positive.Name} must be at least 1");
            });

        var command = new Command("linearizability",
            "Concurrent clients call PUT / GET / DELETE / conditional writes / LIST on a few keys of a fresh bucket; "
            + "exit 0 only when some total order explains every answer")
        {
            endpoints, duration, clients, keys, operations, requestTimeout, checkTimeout, maxOperations, region, accessKey, secretKey, seed,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var fromEnvironment = Credentials.FromEnvironment();
            var settings = new WorkloadSettings(
                parse.GetValue(endpoints)!,
                new S3Credentials(parse.GetValue(accessKey) ?? fromEnvironment.AccessKey, parse.GetValue(secretKey) ?? fromEnvironment.SecretKey),
                parse.GetValue(region)!,
                parse.GetValue(clients),
                parse.GetValue(keys),
                parse.GetValue(duration),
                parse.GetValue(maxOperations),
                parse.GetValue(requestTimeout),
                parse.GetValue(operations)!,
                parse.GetValue(seed) ?? Random.Shared.Next());
            var checker = CheckerOptions.Default with { KeyBudget = parse.GetValue(checkTimeout) };
            return CheckRun.RunAsync(settings, checker, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    private static bool TryParseEndpoints(string? text, out IReadOnlyList<Uri> endpoints, out string error)
    {
        var list = new List<Uri>();
        endpoints = list;
        error = "--endpoints needs at least one URL";
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseEndpoint(part, out var endpoint, out error)) return false;
            list.Add(endpoint);
        }
        return list.Count > 0;
    }

    private static bool TryParseOperations(string? text, out IReadOnlySet<OperationKind> operations, out string error) =>
        TryParseNames(text, OperationMix.Names, "a call the check makes", "--ops needs at least one call", out operations, out error);

    /// <summary>Faults by name; <c>none</c> (a run without faults) gives the empty set.</summary>
    private static bool TryParseFaults(string? text, out IReadOnlySet<FaultKind> faults, out string error) =>
        TryParseNames(text == "none" ? "" : text, CampaignSettings.Names, "a fault the campaign injects", null, out faults, out error);

    /// <summary>A comma-separated list of names into the set they stand for; <paramref name="empty"/>: the error for none (null: none is fine).</summary>
    private static bool TryParseNames<T>(string? text, IReadOnlyDictionary<string, T> names, string what, string? empty, out IReadOnlySet<T> values, out string error)
    {
        var set = new HashSet<T>();
        values = set;
        error = empty ?? "";
        foreach (var name in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!names.TryGetValue(name, out var value))
            {
                error = $"'{name}' is not {what}: use {string.Join(", ", names.Keys)}";
                return false;
            }
            set.Add(value);
        }
        return set.Count > 0 || empty is null;
    }
}
