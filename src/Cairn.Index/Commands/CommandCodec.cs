using System.Text.Json;
using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>Commands as bytes: what a replicated log carries and replays.</summary>
public static class CommandCodec
{
    public static byte[] Encode(IndexCommand command) => JsonSerializer.SerializeToUtf8Bytes(command, IndexJsonContext.Default.IndexCommand);

    public static IndexCommand Decode(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize(bytes, IndexJsonContext.Default.IndexCommand) ?? throw new InvalidDataException("An empty index command.");
}
