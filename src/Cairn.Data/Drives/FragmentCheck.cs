using System.Text.Json.Serialization;

namespace Cairn.Data.Drives;

/// <summary>
/// What a verification found: named on the wire, so a remote answer reads like a local one. Ok is not
/// the zero value, so a default or half-read verdict never passes a fragment.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FragmentHealth>))]
public enum FragmentHealth
{
    Missing,
    Corrupt,
    Ok,
}

/// <summary>
/// The verdict on one fragment, reached where its drive is: ok with the data bytes checked, missing, or
/// corrupt (the first block that failed, when one did; null when the header or the length is wrong).
/// Small by design: it is what crosses the network instead of the fragment.
/// </summary>
public readonly record struct FragmentCheck(FragmentHealth Health, long BytesVerified = 0, long? Block = null, string? Reason = null)
{
    public static FragmentCheck Missing => new(FragmentHealth.Missing);

    public static FragmentCheck Ok(long bytesVerified) => new(FragmentHealth.Ok, bytesVerified);

    public static FragmentCheck Corrupt(long? block, string reason) => new(FragmentHealth.Corrupt, 0, block, reason);

    [JsonIgnore]
    public bool IsOk => Health == FragmentHealth.Ok;
}
