using System.Text.Json;
using Cairn.Index.Records;

namespace Cairn.Index.Commands;

/// <summary>
/// Command results as bytes: what a replicated shard keeps per request id, so a retried command is answered
/// with the first result instead of being applied again.
/// </summary>
public static class CommandResultCodec
{
    public static byte[] Encode(object? result) =>
        result is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(result, result.GetType(), IndexJsonContext.Default);

    public static TResult Decode<TResult>(ReadOnlySpan<byte> bytes) =>
        (TResult)JsonSerializer.Deserialize(bytes, typeof(TResult), IndexJsonContext.Default)!;
}
