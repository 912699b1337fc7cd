using System.Reflection;
using System.Text.Json.Serialization;
using Cairn.Cluster.Meta;

namespace Cairn.Cluster.Tests;

public sealed class MetaCodecTests
{
    [Fact]
    public void Every_command_type_round_trips_through_JSON()
    {
        var log = MetaStateMachineTests.Log();
        var declared = typeof(MetaCommand).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType).ToHashSet();
        Assert.Equal(declared.OrderBy(t => t.Name), log.Select(c => c.GetType()).Distinct().OrderBy(t => t.Name));

        foreach (var command in log)
        {
            var bytes = MetaCodec.Encode(command);
            var decoded = MetaCodec.Decode(bytes);
            Assert.IsType(command.GetType(), decoded);
            Assert.Equal(command.At, decoded.At);
            Assert.Equal(command.RequestId, decoded.RequestId);
            Assert.Equal(bytes, MetaCodec.Encode(decoded));
        }
    }

    [Fact]
    public void Commands_are_tagged_and_keep_their_fields()
    {
        var split = new SplitRange(7, "b", "é😀", ExpectedGeneration: 3) { At = MetaFixture.At(1), RequestId = "x" };
        var json = System.Text.Encoding.UTF8.GetString(MetaCodec.Encode(split));
        Assert.Contains("\"command\":\"split-range\"", json);
        Assert.Equal(split, MetaCodec.Decode(MetaCodec.Encode(split)));

        var bootstrap = (Bootstrap)MetaCodec.Decode(MetaCodec.Encode(MetaStateMachineTests.Log()[0]));
        Assert.Equal(TimeSpan.FromSeconds(5), bootstrap.HeartbeatGrace);
        Assert.Equal(["n3", "n1", "n2", "n4"], bootstrap.Nodes.Select(n => n.Id));
        Assert.Equal(MetaFixture.Node("n1", "z1/r1/m1"), bootstrap.Nodes[1]);
    }

    [Fact]
    public void Decoding_nothing_is_refused() =>
        Assert.ThrowsAny<Exception>(() => MetaCodec.Decode("null"u8));
}
