using Cairn.Testing;

namespace Cairn.Cli.Tests;

/// <summary>`cairn check linearizability` as a process: its wiring and exit codes (the checker itself is tested in Cairn.Checking.Tests).</summary>
public sealed class CheckCommandTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Check_records_checks_and_exits_0_on_a_linearizable_history()
    {
        // Blind writes alone are always explainable: this pins the command's plumbing, not the server's behaviour.
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "check", "linearizability", "--endpoints", fixture.Server.Endpoint, "--duration", "2s", "--clients", "4", "--keys", "2", "--ops", "put"),
            TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("verdict: linearizable", result.Stdout);
        Assert.Contains("lin/k1", result.Stdout);
    }

    [Theory]
    [InlineData("--ops", "put,teleport")]
    [InlineData("--endpoints", "ftp://nowhere")]
    [InlineData("--clients", "0")]
    public async Task Check_exits_2_on_a_usage_error(string option, string value)
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand("check", "linearizability", option, value), TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 2, result.ToString());
    }

    [Fact]
    public async Task Check_exits_3_when_the_endpoint_refuses_the_bucket()
    {
        var result = await ProcessRunner.RunAsync(ServerProcess.CairnCommand(
            "check", "linearizability", "--endpoints", fixture.Server.Endpoint, "--duration", "1s", "--access-key", "nobody", "--secret-key", "wrong"),
            TimeSpan.FromMinutes(1));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("could not create bucket", result.Stderr);
    }
}
