using Cairn.Checking.History;
using Cairn.Checking.Search;
using Cairn.Checking.Shrinking;

namespace Cairn.Checking.Tests;

/// <summary>
/// Heavily overlapping histories on one key: without memoisation the search is exponential in the overlap; with it
/// these finish in well under a second. The assertions are about verdicts; the time is bounded by the budget.
/// </summary>
public sealed class CheckerScaleTests
{
    private static readonly CheckerOptions Budget = new(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Eight_clients_times_two_hundred_overlapping_operations_on_one_key_are_linearizable(int seed)
    {
        var history = SimulatedRegister.Generate(clients: 8, operationsPerClient: 200, seed);

        var result = new LinearizabilityChecker(Budget).Check(history);

        Assert.Equal(SearchOutcome.Linearizable, result.Outcome);
        Assert.Equal(1600, result.Keys.Single().Operations);
    }

    [Fact]
    public void One_corrupted_read_among_sixteen_hundred_operations_is_found_and_shrunk_to_the_writes_around_it()
    {
        var history = SimulatedRegister.Generate(clients: 8, operationsPerClient: 200, seed: 4);
        var reads = history.Operations.Where(o => o.Kind == OperationKind.Get && o.Result.Kind == ResultKind.Found).ToList();
        var victim = reads[reads.Count / 2];
        var corrupted = history with
        {
            Operations = history.Operations.Select(o => o == victim ? o with { Result = OperationResult.Found("c99-999") } : o).ToList(),
        };

        var result = new LinearizabilityChecker(Budget).Check(corrupted);

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        var witness = Assert.Single(result.Witnesses);
        Assert.Contains(witness.Operations, w => w.Operation.Id == victim.Id);
        // Eight clients on one key keep writes running at every moment; those running across the read stay in the
        // witness as possibly applied (dropping a write could fake a fault), so it is the read and its concurrent writes.
        Assert.True(witness.Operations.Count <= 16, WitnessReport.Format(witness, 0));
        Assert.All(witness.Operations.Where(w => w.Operation.Id != victim.Id), w => Assert.True(w.ResultUnused || !w.Operation.IsObservation));
    }
}
