namespace Cairn.Checking.Campaign.Faults;

/// <summary>One fault of a campaign: injected, left to last a while, then healed (the cluster whole again).</summary>
public abstract class Fault
{
    public abstract FaultKind Kind { get; }

    /// <summary>What was done, for the campaign's log: "kill -9 n2 (a leader)".</summary>
    public abstract string Description { get; }

    public abstract Task InjectAsync(CancellationToken cancellationToken);

    public abstract Task HealAsync(CancellationToken cancellationToken);
}

/// <summary>kill -9 of a node; healed by starting it again on its data.</summary>
public sealed class KillFault(CampaignCluster cluster, CampaignNode node, bool leader) : Fault
{
    public override FaultKind Kind => FaultKind.Kill;

    public override string Description => $"kill -9 {node.Id}{(leader ? " (a leader)" : "")}";

    public override Task InjectAsync(CancellationToken cancellationToken)
    {
        node.Kill();
        return Task.CompletedTask;
    }

    public override Task HealAsync(CancellationToken cancellationToken) => cluster.RestartAsync(node, cancellationToken);
}

/// <summary>SIGSTOP of a node, longer than an election: the stale leader that wakes up must not serve the past.</summary>
public sealed class PauseFault(CampaignNode node, bool leader) : Fault
{
    public override FaultKind Kind => FaultKind.Pause;

    public override string Description => $"SIGSTOP {node.Id}{(leader ? " (a leader)" : "")}";

    public override Task InjectAsync(CancellationToken cancellationToken)
    {
        node.Pause();
        return Task.CompletedTask;
    }

    public override Task HealAsync(CancellationToken cancellationToken)
    {
        node.Resume();
        return Task.CompletedTask;
    }
}

/// <summary>
/// A node restarted with its wall clock <paramref name="offset"/> away from the others' (kill -9, then started with
/// <c>--clock-offset</c>); healed by restarting it on the true time.
/// </summary>
public sealed class ClockFault(CampaignCluster cluster, CampaignNode node, TimeSpan offset) : Fault
{
    public override FaultKind Kind => FaultKind.Clock;

    public override string Description => $"{node.Id}'s clock {(offset > TimeSpan.Zero ? "+" : "-")}{offset.Duration().TotalSeconds:0} s";

    public override Task InjectAsync(CancellationToken cancellationToken) => RestartWithAsync(offset, cancellationToken);

    public override Task HealAsync(CancellationToken cancellationToken) => RestartWithAsync(TimeSpan.Zero, cancellationToken);

    private Task RestartWithAsync(TimeSpan clock, CancellationToken cancellationToken)
    {
        // One token, so a negative offset is not read as an option name.
        node.ExtraArguments.RemoveAll(a => a.StartsWith("--clock-offset=", StringComparison.Ordinal));
        if (clock != TimeSpan.Zero)
            node.ExtraArguments.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--clock-offset={(clock < TimeSpan.Zero ? "-" : "+")}{(long)clock.Duration().TotalSeconds}s"));
        return cluster.RestartAsync(node, cancellationToken);
    }
}
