using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Cluster.Map;

namespace Cairn.Cluster.Meta;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MetaCommand))]
[JsonSerializable(typeof(ClusterMap))]
internal sealed partial class MetaJsonContext : JsonSerializerContext;

/// <summary>Meta commands and the cluster map as bytes: what the meta group's log carries and its snapshots hold.</summary>
public static class MetaCodec
{
    public static byte[] Encode(MetaCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, MetaJsonContext.Default.MetaCommand);

    public static MetaCommand Decode(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, MetaJsonContext.Default.MetaCommand) ?? throw new InvalidDataException("An empty meta command.");

    public static byte[] Encode(ClusterMap map) => JsonSerializer.SerializeToUtf8Bytes(map, MetaJsonContext.Default.ClusterMap);

    public static ClusterMap DecodeMap(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, MetaJsonContext.Default.ClusterMap) ?? throw new InvalidDataException("An empty cluster map.");
}
