using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;

namespace Cairn.Cluster.Tests;

/// <summary>Builds cluster maps from commands, at times fixed far from the test machine's clock.</summary>
internal static class MetaFixture
{
    public static readonly DateTimeOffset T0 = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    /// <summary>A node n-{id} on machine zone/rack/machine.</summary>
    public static NodeSpec Node(string id, string domain) => new(id, $"http://{id}:9000", $"{id}:9100", domain);

    public static ClusterMap Bootstrapped(params NodeSpec[] nodes) =>
        MetaStateMachine.Apply(ClusterMap.Empty, new Bootstrap(nodes, HeartbeatGrace: TimeSpan.FromSeconds(10)) { At = T0 });

    /// <summary>Three nodes in three zones: one range on all of them.</summary>
    public static ClusterMap ThreeZones() =>
        Bootstrapped(Node("n1", "z1/r1/m1"), Node("n2", "z2/r1/m2"), Node("n3", "z3/r1/m3"));

    public static ClusterMap Split(this ClusterMap map, string bucket, string key) =>
        MetaStateMachine.Apply(map, new SplitRange(map.RangeFor(bucket, key).GroupId, bucket, key) { At = T0 });

    public static string Bytes(ClusterMap map) => System.Text.Encoding.UTF8.GetString(MetaCodec.Encode(map));

    /// <summary>Asserts the command is refused with the error and leaves the map as it was.</summary>
    public static MetaCommandException Refused(ClusterMap map, MetaCommand command, MetaError error)
    {
        var before = Bytes(map);
        var refusal = Assert.Throws<MetaCommandException>(() => MetaStateMachine.Apply(map, command));
        Assert.Equal(error, refusal.Error);
        Assert.Equal(before, Bytes(map));
        return refusal;
    }
}
