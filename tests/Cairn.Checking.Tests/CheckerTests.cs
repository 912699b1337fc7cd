using Cairn.Checking.History;
using Cairn.Checking.Search;
using Cairn.Checking.Shrinking;

namespace Cairn.Checking.Tests;

/// <summary>The checker on hand-made histories whose verdict is known; times are abstract ticks.</summary>
public sealed class CheckerTests
{
    [Fact]
    public void Sequential_history_of_every_kind_is_linearizable()
    {
        var result = new HandHistory()
            .Get(0, "k", null, 0, 1)
            .PutIfAbsent(0, "k", "a", OperationResult.Ok, 2, 3)
            .PutIfAbsent(1, "k", "b", OperationResult.PreconditionFailed, 4, 5)
            .Get(1, "k", "a", 6, 7)
            .PutIfMatch(0, "k", "c", "a", OperationResult.Ok, 8, 9)
            .PutIfMatch(1, "k", "d", "a", OperationResult.PreconditionFailed, 10, 11)
            .DeleteIfMatch(1, "k", "a", OperationResult.PreconditionFailed, 12, 13)
            .DeleteIfMatch(0, "k", "c", OperationResult.Ok, 14, 15)
            .PutIfMatch(1, "k", "e", "c", OperationResult.NotFound, 16, 17)
            .DeleteIfMatch(1, "k", "c", OperationResult.NotFound, 18, 19)
            .Put(0, "k", "f", 20, 21)
            .Delete(1, "k", 22, 23)
            .Delete(1, "k", 24, 25)
            .Get(0, "k", null, 26, 27)
            .Check("k");

        Assert.Equal(SearchOutcome.Linearizable, result.Outcome);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Overlapping_writes_may_take_effect_in_either_order(string seen)
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 10)
            .Put(1, "k", "b", 1, 9)
            .Get(2, "k", seen, 11, 12)
            .Get(3, "k", seen, 13, 14)
            .Check("k");

        Assert.Equal(SearchOutcome.Linearizable, result.Outcome);
    }

    [Fact]
    public void A_read_overlapping_a_write_may_see_the_old_or_the_new_value()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(0, "k", "b", 2, 10)
            .Get(1, "k", "a", 3, 4)
            .Get(2, "k", "b", 5, 6)
            .Get(1, "k", "b", 7, 8)
            .Check("k");

        Assert.Equal(SearchOutcome.Linearizable, result.Outcome);
    }

    [Fact]
    public void Stale_read_after_an_overwrite_returned_is_flagged_with_the_overwrite_and_the_read()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Get(1, "k", "a", 1, 2)
            .Put(0, "k", "b", 3, 4)
            .Get(1, "k", "a", 7, 8)
            .Get(2, "k", "b", 9, 10)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        var witness = Assert.Single(result.Witnesses);
        Assert.Equal(["PUT b", "GET"], witness.Operations.Select(w => OperationText.Request(w.Operation)));
        Assert.Equal("read a", OperationText.Result(witness.Operations[1].Operation));
        Assert.Equal(["a"], witness.EarlierValues);
        Assert.True(witness.Minimal);
    }

    [Fact]
    public void Reads_that_go_back_in_time_are_flagged_as_the_two_reads()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(0, "k", "b", 3, 4)
            .Get(2, "k", "b", 5, 6)
            .Get(1, "k", "a", 7, 8)
            .Check("k");

        var witness = Assert.Single(result.Witnesses);
        Assert.Equal(["read b", "read a"], witness.Operations.Select(w => OperationText.Result(w.Operation)));
        Assert.Equal(["a", "b"], witness.EarlierValues);
    }

    [Fact]
    public void Read_of_a_value_never_written_is_flagged_alone()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(1, "k", "b", 2, 3)
            .Get(2, "k", "zombie", 4, 5)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        var witness = Assert.Single(result.Witnesses);
        var only = Assert.Single(witness.Operations);
        Assert.Equal("read zombie", OperationText.Result(only.Operation));
    }

    [Fact]
    public void Overwritten_value_that_comes_back_is_a_lost_write()
    {
        // Both writes returned before the reads; b was seen, so b came last; then a reappears: b was lost.
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 5)
            .Put(1, "k", "b", 1, 6)
            .Get(2, "k", "b", 7, 8)
            .Get(3, "k", "a", 9, 10)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
    }

    [Fact]
    public void Acknowledged_delete_that_is_undone_is_flagged()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Delete(1, "k", 2, 3)
            .Get(2, "k", "a", 4, 5)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
    }

    [Fact]
    public void NoSuchKey_while_the_key_existed_for_the_whole_get_is_flagged()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(0, "k", "b", 2, 10)
            .Get(1, "k", null, 3, 5)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        var witness = Assert.Single(result.Witnesses);
        Assert.Contains(witness.Operations, w => w.Operation.Kind == OperationKind.Get && w.Operation.Result.Kind == ResultKind.NotFound);
        Assert.True(witness.Operations.Count <= 3, WitnessReport.Format(witness, 0));
    }

    [Fact]
    public void If_none_match_success_on_an_existing_key_is_flagged_with_what_saw_the_key()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Get(2, "k", "a", 2, 3)
            .PutIfAbsent(1, "k", "b", OperationResult.Ok, 4, 5)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        var witness = Assert.Single(result.Witnesses);
        Assert.Equal(["GET", "PUT b If-None-Match: *"], witness.Operations.Select(w => OperationText.Request(w.Operation)));
        Assert.Equal(["read a", "200 OK"], witness.Operations.Select(w => OperationText.Result(w.Operation)));
        Assert.Equal(["a"], witness.EarlierValues);
    }

    [Fact]
    public void If_match_success_against_another_value_is_flagged()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(1, "k", "b", 2, 3)
            .PutIfMatch(0, "k", "c", "a", OperationResult.Ok, 4, 5)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
    }

    [Fact]
    public void If_match_on_an_absent_key_must_answer_NoSuchKey()
    {
        var refusedAsMissing = new HandHistory()
            .PutIfMatch(0, "k", "b", "a", OperationResult.NotFound, 0, 1)
            .DeleteIfMatch(0, "k", "a", OperationResult.NotFound, 2, 3)
            .Check("k");
        var refusedAsOther = new HandHistory()
            .PutIfMatch(0, "k", "b", "a", OperationResult.PreconditionFailed, 0, 1)
            .Check("k");

        Assert.Equal(SearchOutcome.Linearizable, refusedAsMissing.Outcome);
        Assert.Equal(SearchOutcome.NotLinearizable, refusedAsOther.Outcome);
    }

    [Fact]
    public void Conditional_delete_that_ignores_its_condition_is_flagged()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(0, "k", "b", 2, 3)
            .DeleteIfMatch(1, "k", "a", OperationResult.Ok, 4, 5)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
    }

    [Fact]
    public void Concurrent_conditional_creates_where_both_succeed_are_flagged_and_a_conflict_is_not()
    {
        var bothWon = new HandHistory()
            .PutIfAbsent(0, "k", "a", OperationResult.Ok, 0, 10)
            .PutIfAbsent(1, "k", "b", OperationResult.Ok, 1, 9)
            .Check("k");
        var oneConflicted = new HandHistory()
            .PutIfAbsent(0, "k", "a", OperationResult.Ok, 0, 10)
            .PutIfAbsent(1, "k", "b", OperationResult.Conflict, 1, 9)
            .Get(2, "k", "a", 11, 12)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, bothWon.Outcome);
        Assert.Equal(SearchOutcome.Linearizable, oneConflicted.Outcome);
    }

    [Fact]
    public void Write_of_unknown_outcome_can_explain_a_read_of_its_value()
    {
        var without = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Get(1, "k", "b", 5, 6)
            .Check("k");
        var with = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(2, "k", "b", 2, 0, OperationResult.Unknown)
            .Get(1, "k", "b", 5, 6)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, without.Outcome);
        Assert.Equal(SearchOutcome.Linearizable, with.Outcome);
    }

    [Fact]
    public void Write_of_unknown_outcome_may_also_never_have_happened()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(2, "k", "b", 2, 0, OperationResult.Unknown)
            .Get(1, "k", "a", 5, 6)
            .Get(1, "k", "a", 7, 8)
            .Delete(2, "k", 9, 0, OperationResult.Unknown)
            .Get(1, "k", "a", 10, 11)
            .Check("k");

        Assert.Equal(SearchOutcome.Linearizable, result.Outcome);
    }

    [Fact]
    public void Write_of_unknown_outcome_once_seen_stays_applied()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(2, "k", "b", 2, 0, OperationResult.Unknown)
            .Get(1, "k", "b", 5, 6)
            .Get(1, "k", "a", 7, 8)
            .Check("k");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
    }

    [Fact]
    public void Listing_is_checked_against_every_key_its_prefix_covers()
    {
        var result = new HandHistory()
            .Put(0, "p/a", "a1", 0, 1)
            .Put(1, "p/b", "b1", 0, 1)
            .Delete(2, "p/b", 2, 6)
            .List(3, "p/", new Dictionary<string, string?> { ["p/a"] = "a1", ["p/b"] = "b1" }, 3, 4)
            .List(3, "p/", new Dictionary<string, string?> { ["p/a"] = null }, 7, 8)
            .Check("p/a", "p/b");

        Assert.Equal(SearchOutcome.Linearizable, result.Outcome);
        Assert.Equal(2, result.Keys.Count);
    }

    [Fact]
    public void Listing_that_misses_a_key_that_existed_throughout_is_flagged()
    {
        var result = new HandHistory()
            .Put(0, "p/a", "a1", 0, 1)
            .Put(1, "p/b", "b1", 0, 1)
            .Put(1, "p/b", "b2", 2, 6)
            .List(3, "p/", new Dictionary<string, string?> { ["p/a"] = "a1" }, 3, 4)
            .Check("p/a", "p/b");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        var verdict = Assert.Single(result.Keys, k => k.Outcome == SearchOutcome.NotLinearizable);
        Assert.Equal("p/b", verdict.Key);
        Assert.Contains(verdict.Witness!.Operations, w => w.Operation.Kind == OperationKind.Exists && w.Operation.Result.Kind == ResultKind.NotFound);
    }

    [Fact]
    public void Listing_that_shows_a_key_nobody_wrote_is_flagged()
    {
        var result = new HandHistory()
            .Put(0, "p/a", "a1", 0, 1)
            .List(3, "p/", new Dictionary<string, string?> { ["p/a"] = "a1", ["p/ghost"] = null }, 3, 4)
            .Check("p/a");

        Assert.Equal(SearchOutcome.NotLinearizable, result.Outcome);
        Assert.Equal("p/ghost", Assert.Single(result.Keys, k => k.Outcome == SearchOutcome.NotLinearizable).Key);
    }

    [Fact]
    public void Witness_report_lists_the_operations_with_times_and_results()
    {
        var result = new HandHistory()
            .Put(0, "k", "a", 0, 1)
            .Put(0, "k", "b", 3, 4)
            .Get(1, "k", "a", 7, 8)
            .Check("k");

        var report = WitnessReport.Format(Assert.Single(result.Witnesses), 0);
        Assert.Contains("key k: no order explains these 2 operations", report);
        Assert.Contains("before them the key was absent or held a", report);
        Assert.Contains("PUT b", report);
        Assert.Contains("read a", report);
    }
}
