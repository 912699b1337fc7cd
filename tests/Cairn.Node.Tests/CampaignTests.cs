using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Node.Tests;

/// <summary>
/// `cairn check campaign` end to end, as CI can afford it: a 90 s campaign with every fault on a 3-node cluster must
/// keep every promise (exit 0), and the wipe control — fragments erased beyond what the code survives — must make it
/// fail (exit 1): the campaign's checks can fail.
/// </summary>
public sealed class CampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_campaign_with_every_fault_keeps_every_promise()
    {
        var run = await RunAsync("--nodes", "3", "--duration", "90s", "--faults", "kill,pause,disk,clock,partition", "--fault-every", "12s", "--seed", "7");

        Assert.True(run.ExitCode == 0, $"the campaign failed: {run}");
        var summary = LastLine(run.Stdout);
        Assert.StartsWith("campaign: ", summary);
        Assert.Contains(" 0 violations (Linearizable), 0 lost writes, 0 resurrected, 0 unreadable, 0 orphan fragments", summary);
        // Each kind in turn (the seed picks where the turn starts): all five within the run.
        foreach (var kind in new[] { "inject: kill -9", "inject: SIGSTOP", "inject: partition: ", "'s drive ", "'s clock " })
            Assert.Contains(kind, run.Stdout);
    }

    [Fact]
    public async Task The_wipe_control_erasing_fragments_beyond_the_code_makes_the_campaign_fail()
    {
        var run = await RunAsync("--nodes", "3", "--duration", "20s", "--faults", "wipe", "--fault-every", "15s", "--seed", "3");

        Assert.True(run.ExitCode == 1, $"the campaign did not fail on erased fragments: {run}");
        var summary = LastLine(run.Stdout);
        Assert.Matches(@"campaign: .* ([1-9]\d*) (lost writes|unreadable)", summary);
    }

    private async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        var folder = Path.Combine(Path.GetTempPath(), "cairn-campaign-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var run = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(["check", "campaign", "--data", folder, .. arguments]), TimeSpan.FromMinutes(8));
            output.WriteLine(run.Stdout);
            output.WriteLine(run.Stderr);
            return run;
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].Trim();
}
