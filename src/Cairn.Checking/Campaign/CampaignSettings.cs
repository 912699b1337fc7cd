using Cairn.Checking.Workload;

namespace Cairn.Checking.Campaign;

/// <summary>The faults a campaign can inject.</summary>
public enum FaultKind
{
    /// <summary>kill -9 of a node (a range leader preferred), restarted on its data a while later.</summary>
    Kill,

    /// <summary>Links between nodes cut (a minority, the leader, a 2/3 split, a bridge), healed a while later.</summary>
    Partition,

    /// <summary>SIGSTOP of a node (a leader preferred) for longer than an election, then SIGCONT.</summary>
    Pause,

    /// <summary>A drive disappears, then returns as it was or with some of its fragments corrupted.</summary>
    Disk,

    /// <summary>A node restarted with its wall clock minutes ahead or behind the others.</summary>
    Clock,

    /// <summary>
    /// A negative control, never healed: every fragment on the drives of more nodes than the code's parity can lose
    /// is erased. Objects stored as fragments are lost beyond repair, and the campaign must say so (exit 1).
    /// </summary>
    Wipe,
}

/// <summary>What a campaign runs: how many nodes, for how long, which faults how often, and where.</summary>
/// <param name="Executable">The <c>cairn</c> executable that runs each node.</param>
/// <param name="DataFolder">Each node's data and log go in a folder of their own under it.</param>
/// <param name="FaultEvery">A fault starts this often; each lasts a random part of it, then is healed before the next.</param>
/// <param name="ServerArguments">Given to every node besides the campaign's own.</param>
public sealed record CampaignSettings(
    string Executable,
    string DataFolder,
    int Nodes,
    TimeSpan Duration,
    IReadOnlySet<FaultKind> Faults,
    TimeSpan FaultEvery,
    S3Credentials Credentials,
    int Seed,
    IReadOnlyList<string> ServerArguments)
{
    public static IReadOnlyDictionary<string, FaultKind> Names { get; } = new Dictionary<string, FaultKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["kill"] = FaultKind.Kill, ["partition"] = FaultKind.Partition, ["pause"] = FaultKind.Pause, ["disk"] = FaultKind.Disk, ["clock"] = FaultKind.Clock,
        ["wipe"] = FaultKind.Wipe,
    };

    public const string Region = "us-east-1";

    /// <summary>Drives per node: two, so a disk fault leaves the node serving from the other.</summary>
    public const int DrivesPerNode = 2;

    /// <summary>Parity fragments of the campaign's code: one up to four nodes, two from five.</summary>
    public int Parity => Nodes >= 5 ? 2 : 1;

    /// <summary>An erasure code every node set can hold with one fragment per node.</summary>
    public string Code => $"{Nodes - Parity}+{Parity}";

    /// <summary>The faults a campaign injects unless told otherwise: every real one (not the <see cref="FaultKind.Wipe"/> control).</summary>
    public static IReadOnlySet<FaultKind> RealFaults { get; } = new HashSet<FaultKind> { FaultKind.Kill, FaultKind.Partition, FaultKind.Pause, FaultKind.Disk, FaultKind.Clock };
}
