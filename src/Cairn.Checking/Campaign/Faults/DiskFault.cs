namespace Cairn.Checking.Campaign.Faults;

/// <summary>
/// A drive disappears (its folder moved away, as an unmounted disk: the node never recreates a missing drive root)
/// and returns, as it was or with some of its fragment files corrupted (bytes flipped mid-file, which the fragments'
/// checksums must catch: reads rebuild around them, scrub repairs them).
/// </summary>
public sealed class DiskFault(CampaignNode node, string drive, bool corrupt, Random random) : Fault
{
    private const int FilesCorrupted = 3;

    private string Away => drive + ".away";

    public override FaultKind Kind => FaultKind.Disk;

    public override string Description => $"{node.Id}'s drive {Path.GetFileName(drive)} removed, to return {(corrupt ? "with rotten fragments" : "intact")}";

    /// <summary>Fragment files flipped when the drive returned.</summary>
    public int Corrupted { get; private set; }

    public override Task InjectAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(drive)) Directory.Move(drive, Away);
        return Task.CompletedTask;
    }

    public override Task HealAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Away)) return Task.CompletedTask;
        if (corrupt) Corrupt();
        Directory.Move(Away, drive);
        return Task.CompletedTask;
    }

    private void Corrupt()
    {
        var fragments = Path.Combine(Away, "fragments");
        if (!Directory.Exists(fragments)) return;
        var files = Directory.EnumerateFiles(fragments, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 16).ToList();
        foreach (var file in files.OrderBy(_ => random.Next()).Take(FilesCorrupted))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length / 2;
            var value = stream.ReadByte();
            stream.Position = stream.Length / 2;
            stream.WriteByte((byte)~value);
            Corrupted++;
        }
    }
}

/// <summary>The negative control: erases every fragment file on the drives of <paramref name="nodes"/>; never healed.</summary>
public sealed class WipeFault(IReadOnlyList<CampaignNode> nodes) : Fault
{
    public override FaultKind Kind => FaultKind.Wipe;

    public override string Description => $"every fragment on {string.Join(", ", nodes.Select(n => n.Id))} erased (a negative control: beyond the code)";

    public override Task InjectAsync(CancellationToken cancellationToken)
    {
        foreach (var fragments in nodes.SelectMany(n => n.Drives).Select(d => Path.Combine(d, "fragments")).Where(Directory.Exists))
            foreach (var file in Directory.EnumerateFiles(fragments, "*", SearchOption.AllDirectories).ToList())
                File.Delete(file);
        return Task.CompletedTask;
    }

    public override Task HealAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
