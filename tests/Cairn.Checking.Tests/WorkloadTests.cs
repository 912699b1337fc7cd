using Cairn.Checking.History;
using Cairn.Checking.Search;
using Cairn.Checking.Workload;
using Cairn.Testing;
using Xunit.Abstractions;

namespace Cairn.Checking.Tests;

/// <summary>
/// The recording harness end to end: 8 clients over 4 keys, every kind of call, then the check. Against a real Cairn
/// server the history must be linearizable; against a stub that serves stale reads the check must say it is not.
/// </summary>
public sealed class WorkloadTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly CheckerOptions Budget = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Eight_clients_on_four_keys_against_a_real_server_are_linearizable()
    {
        // Cairn honours conditional deletes, so the run includes them too.
        var everything = new HashSet<OperationKind>(WorkloadSettings.DefaultOperations) { OperationKind.DeleteIfMatch };
        var (record, result, report) = await RecordAndCheckAsync(new Uri(fixture.Server.Endpoint), TimeSpan.FromSeconds(12), everything);

        Assert.True(record.History.Operations.Count > 200, $"too few calls to mean anything: {record.History.Operations.Count}");
        // Every kind of write must have taken effect at least once and reads must have found values, or the history proves little.
        foreach (var kind in everything.Except([OperationKind.Get, OperationKind.List]))
            Assert.Contains(record.History.Operations, o => o.Kind == kind && o.Result.Kind == ResultKind.Ok);
        Assert.Contains(record.History.Operations, o => o.Kind == OperationKind.Get && o.Result.Kind == ResultKind.Found);
        Assert.True(result.Outcome == SearchOutcome.Linearizable, report);
    }

    [Fact]
    public async Task Stale_reads_from_a_faulty_endpoint_are_caught()
    {
        await using var stub = await StubS3Endpoint.StartAsync(staleReads: 0.2);

        var (record, result, report) = await RecordAndCheckAsync(stub.Endpoint, TimeSpan.FromSeconds(3), WorkloadSettings.DefaultOperations);

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        Assert.Contains(result.Witnesses.SelectMany(w => w.Operations), w => w.Operation.Kind == OperationKind.Get && !w.ResultUnused);
    }

    [Fact]
    public async Task The_same_endpoint_without_stale_reads_passes_with_conditional_deletes_too()
    {
        await using var stub = await StubS3Endpoint.StartAsync(staleReads: 0);
        var everything = new HashSet<OperationKind>(WorkloadSettings.DefaultOperations) { OperationKind.DeleteIfMatch };

        var (record, result, report) = await RecordAndCheckAsync(stub.Endpoint, TimeSpan.FromSeconds(3), everything);

        Assert.Contains(record.History.Operations, o => o.Kind == OperationKind.DeleteIfMatch && o.Result.Kind == ResultKind.Ok);
        Assert.True(result.Outcome == SearchOutcome.Linearizable, report);
    }

    private async Task<(WorkloadRecord, CheckResult, string Report)> RecordAndCheckAsync(Uri endpoint, TimeSpan duration, IReadOnlySet<OperationKind> operations)
    {
        var settings = new WorkloadSettings([endpoint], new S3Credentials(ServerProcess.AccessKey, ServerProcess.SecretKey), ServerProcess.Region,
            Clients: 8, Keys: 4, duration, OperationsPerClient: 20_000, RequestTimeout: TimeSpan.FromSeconds(10), operations, Seed: 42);
        var record = await WorkloadRun.RecordAsync(settings, CancellationToken.None);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = new LinearizabilityChecker(Budget).Check(record.History);
        var report = RunReport.Format(record, result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        output.WriteLine(report);
        return (record, result, report);
    }
}
