using System.Text.Json;
using System.Text.Json.Serialization;
using Cairn.Cluster.Meta;

namespace Cairn.Consensus.Meta;

/// <summary>
/// What applying one meta command produced, as remembered under its request id and sent back to a
/// forwarding member: the log index it was applied at, or the <see cref="MetaError"/> that refused it. The
/// map itself is not part of it: the issuer reads its own replica's map once that replica has applied
/// <see cref="Index"/>. A retry of the request id is answered with this, never applied again.
/// </summary>
public sealed record MetaOutcome(long Index, MetaError? Error = null, string? Message = null)
{
    public static MetaOutcome Refused(long index, MetaCommandException e) => new(index, e.Error, e.Message);

    /// <summary>Rethrows a refusal as the <see cref="MetaCommandException"/> the apply threw.</summary>
    public void ThrowIfRefused()
    {
        if (Error is { } error) throw new MetaCommandException(error, Message ?? error.ToString());
    }

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, MetaOutcomeJsonContext.Default.MetaOutcome);

    public static MetaOutcome Decode(byte[] bytes) =>
        JsonSerializer.Deserialize(bytes, MetaOutcomeJsonContext.Default.MetaOutcome) ?? throw new InvalidDataException("An empty meta outcome.");
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MetaOutcome))]
internal sealed partial class MetaOutcomeJsonContext : JsonSerializerContext;
