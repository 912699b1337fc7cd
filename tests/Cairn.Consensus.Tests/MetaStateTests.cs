using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Consensus.Meta;
using static Cairn.Consensus.Tests.MetaGroupFixture;

namespace Cairn.Consensus.Tests;

/// <summary>The meta group's deterministic step and its snapshot form, without Raft.</summary>
public sealed class MetaStateTests
{
    [Fact]
    public void A_remembered_request_id_is_answered_with_its_first_outcome_and_changes_nothing()
    {
        var (state, _) = MetaState.Empty.Apply(1, 1, ThreeZones("boot"));
        var add = new AddNode(Node("n4", "z1/r2/m4")) { At = At(1), RequestId = "add-n4" };
        (state, var first) = state.Apply(2, 1, add);
        var (retried, again) = state.Apply(3, 2, add with { At = At(2) });

        Assert.Equal(new MetaOutcome(2), first);
        Assert.Equal(first, again);
        Assert.Same(state.Map, retried.Map);
        Assert.Equal((3L, 2L), (retried.Index, retried.Term));
    }

    [Fact]
    public void The_oldest_request_id_is_forgotten_once_more_than_the_remembered_number_follow_it()
    {
        var (state, _) = MetaState.Empty.Apply(1, 1, ThreeZones("boot"));
        var add = new AddNode(Node("n4", "z1/r2/m4")) { At = At(1), RequestId = "add-n4" };
        (state, _) = state.Apply(2, 1, add);
        for (var i = 0; i < MetaState.RememberedRequests - 1; i++)
            (state, _) = state.Apply(3 + i, 1, new Heartbeat("n1") { At = At(2), RequestId = $"hb-{i}" });
        Assert.Null(state.Apply(state.Index + 1, 1, add).Outcome!.Error); // still remembered: the 10,000th newest

        (state, _) = state.Apply(state.Index + 1, 1, new Heartbeat("n1") { At = At(2), RequestId = "one-more" });
        var forgotten = state.Apply(state.Index + 1, 1, add).Outcome!;
        Assert.Equal(MetaError.NodeExists, forgotten.Error); // applied again, and refused as any new AddNode would be
    }

    [Fact]
    public void A_state_decoded_from_its_snapshot_equals_it_and_remembers_the_same_requests()
    {
        var (state, _) = MetaState.Empty.Apply(1, 1, ThreeZones("boot"));
        (state, _) = state.Apply(2, 1, new AdmitNode("nobody") { At = At(1), RequestId = "refused" });
        (state, _) = state.Apply(3, 2, new AddNode(Node("n4", "z1/r2/m4")) { At = At(2), RequestId = "add-n4" });

        var decoded = MetaState.Decode(state.Encode());

        Assert.Equal((state.Index, state.Term, Bytes(state.Map)), (decoded.Index, decoded.Term, Bytes(decoded.Map)));
        Assert.Equal(state.Encode(), decoded.Encode());
        Assert.Equal(MetaError.NoSuchNode, decoded.Apply(4, 2, new AdmitNode("nobody") { At = At(3), RequestId = "refused" }).Outcome!.Error);
        Assert.Equal(new MetaOutcome(3), decoded.Apply(4, 2, new AddNode(Node("n4", "z1/r2/m4")) { At = At(3), RequestId = "add-n4" }).Outcome);
    }

    [Fact]
    public void A_command_without_a_request_id_is_applied_and_reports_nothing()
    {
        var (state, outcome) = MetaState.Empty.Apply(1, 1, ThreeZones());

        Assert.Null(outcome);
        Assert.True(state.Map.Bootstrapped);
        Assert.Equal(Bytes(MetaStateMachine.Apply(ClusterMap.Empty, ThreeZones())), Bytes(state.Map));
    }
}
