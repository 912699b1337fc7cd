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

    [Fact]
    public async Task A_delete_applied_by_a_node_that_then_dies_unanswered_is_recorded_as_of_unknown_outcome()
    {
        // HttpClient sends a DELETE again on a new connection when the open one closes cleanly before any answer; that
        // second send is refused by the dead node. Were the call dropped as "never sent", the surviving node's reads of
        // the deleted key would look like a lost write.
        await using var stub = await StubS3Endpoint.StartAsync(staleReads: 0);
        await using var dying = DyingProxy.InFrontOf(stub.Endpoint);

        var (record, result, report) = await RecordAndCheckAsync([dying.Endpoint, stub.Endpoint], TimeSpan.FromSeconds(3),
            WorkloadSettings.DefaultOperations, clients: 2, keys: 1);

        Assert.True(dying.DiedAfterApplyingADelete, "the proxy never let a DELETE through to die at");
        Assert.Contains(record.History.Operations, o => o.Kind == OperationKind.Delete && o.OutcomeUnknown && o.Detail == "connection lost, then refused");
        Assert.True(record.Refused > 0, "the dead endpoint refused nothing: the run did not go on past its death");
        Assert.True(result.Outcome == SearchOutcome.Linearizable, report);
    }

    private Task<(WorkloadRecord, CheckResult, string Report)> RecordAndCheckAsync(Uri endpoint, TimeSpan duration, IReadOnlySet<OperationKind> operations) =>
        RecordAndCheckAsync([endpoint], duration, operations, clients: 8, keys: 4);

    private async Task<(WorkloadRecord, CheckResult, string Report)> RecordAndCheckAsync(IReadOnlyList<Uri> endpoints, TimeSpan duration,
        IReadOnlySet<OperationKind> operations, int clients, int keys)
    {
        var settings = new WorkloadSettings(endpoints, new S3Credentials(ServerProcess.AccessKey, ServerProcess.SecretKey), ServerProcess.Region,
            clients, keys, duration, OperationsPerClient: 20_000, RequestTimeout: TimeSpan.FromSeconds(10), operations, Seed: 42);
        var record = await WorkloadRun.RecordAsync(settings, CancellationToken.None);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = new LinearizabilityChecker(Budget).Check(record.History);
        var report = RunReport.Format(record, result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        output.WriteLine(report);
        return (record, result, report);
    }
}
