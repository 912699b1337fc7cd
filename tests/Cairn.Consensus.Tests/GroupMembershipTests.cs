using System.Net;
using Cairn.Core.StorageClasses;
using Cairn.Core.Time;
using Cairn.Index.Apply;
using Cairn.Index.Commands;
using Cairn.Transport;
using Cairn.Transport.Raft;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Cairn.Consensus.Tests;

/// <summary>
/// A fourth member joins a running range group over the nodes' cluster ports: the leader adds it with AddMemberAsync,
/// every member still counts the others (the configuration a leader sends names them by value), and the group keeps
/// committing with the newcomer caught up.
/// </summary>
public sealed class GroupMembershipTests
{
    [Fact]
    public async Task A_joining_member_over_the_cluster_port_is_added_and_the_group_keeps_committing()
    {
        await using var nodes = await MuxNodesFixture.StartAsync(1);
        var id = nodes.Groups[0].Id;
        var leader = await nodes.LeaderAsync(id);
        for (var i = 0; i < 20; i++) await leader.Shard.ExecuteAsync(new CreateBucket($"b{i}", "owner", "us-east-1") { At = DateTimeOffset.UtcNow, RequestId = $"c{i}" });

        var address = new IPEndPoint(IPAddress.Loopback, Loopback.FreePort());
        using var mux = new RaftMux(nodes.Secret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, listen =>
        {
            listen.UseClusterProtocol();
            mux.ConfigureListener(listen);
        }));
        await using var app = builder.Build();
        await app.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "cairn-join-" + Guid.NewGuid().ToString("N"));
        await using var joiner = await RangeReplica.StartAsync(new RangeGroup(id, [.. nodes.Addresses, address]) { Joining = true }, address, folder,
            new ShardStateMachine(StorageClassTable.Default, new DayClock(TimeProvider.System)), RangeGroupFixture.Patient, mux: mux);
        // As GroupMembership does: an addition that does not complete (the new member not caught up in the warmup
        // rounds, a leader change) is tried again, by whoever leads then.
        var added = false;
        for (var attempt = 0; attempt < 10 && !added; attempt++)
        {
            leader = await nodes.LeaderAsync(id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            added = await leader.AddMemberAsync(address, timeout.Token);
            if (!added) await Task.Delay(500);
        }
        Assert.True(added, "the joining member was never added");
        Assert.True(leader.HasMember(address));

        using var commit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await leader.Shard.ExecuteAsync(new CreateBucket("after", "owner", "us-east-1") { At = DateTimeOffset.UtcNow, RequestId = "after" }, commit.Token);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (joiner.AppliedIndex < leader.AppliedIndex && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(leader.AppliedIndex, joiner.AppliedIndex);
    }
}
