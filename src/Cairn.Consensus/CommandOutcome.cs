using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Core.Errors;
using Cairn.Index.Commands;

namespace Cairn.Consensus;

/// <summary>
/// What applying one command produced, in the form kept under its request id: the encoded result, or the
/// typed S3 error that refused it. A retry of the request id is answered from this, never applied again.
/// </summary>
public sealed record CommandOutcome(long Index, byte[]? Result, StoredError? Error)
{
    public static CommandOutcome Succeeded(long index, object? result) => new(index, CommandResultCodec.Encode(result), null);

    public static CommandOutcome Refused(long index, S3Exception e) =>
        new(index, null, new StoredError(e.Code.Code, e.Code.Status, e.Code.DefaultMessage, e.Message, e.Resource));

    /// <summary>The result as the caller's type, or the refusal rethrown as its S3 error.</summary>
    public TResult Resolve<TResult>()
    {
        if (Error is { } e) throw new S3Exception(new S3ErrorCode(e.Code, e.Status, e.DefaultMessage), e.Message, e.Resource);
        return CommandResultCodec.Decode<TResult>(Result);
    }

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, OutcomeJsonContext.Default.CommandOutcome);

    public static CommandOutcome Decode(byte[] bytes) =>
        JsonSerializer.Deserialize(bytes, OutcomeJsonContext.Default.CommandOutcome) ?? throw new InvalidDataException("An empty command outcome.");
}

/// <summary>An S3 error as stored: enough to throw the same typed error again.</summary>
public sealed record StoredError(string Code, int Status, string DefaultMessage, string Message, string? Resource);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CommandOutcome))]
internal sealed partial class OutcomeJsonContext : JsonSerializerContext;
