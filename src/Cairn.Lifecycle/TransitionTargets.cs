using Cairn.Core.StorageClasses;

namespace Cairn.Lifecycle;

/// <summary>The storage classes a lifecycle rule may move objects into, and how they order.</summary>
public static class TransitionTargets
{
    /// <summary>S3's TransitionStorageClass values; STANDARD and REDUCED_REDUNDANCY are never targets.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
    };

    public static bool IsTarget(string storageClass) => Names.Contains(storageClass);

    /// <summary>AWS refuses transitions into the IA classes sooner than 30 days (after creation or noncurrency).</summary>
    public static bool NeedsThirtyDays(string storageClass) => storageClass is "STANDARD_IA" or "ONEZONE_IA";

    /// <summary>
    /// Days an object must stay in a class before a later transition in the same rule may move it on.
    /// IA classes: 30 (AWS docs). GLACIER_IR: 90 (AWS's own error "must be 90 days more than
    /// Transition for StorageClass GLACIER_IR"; not stated in the docs). Others: none.
    /// </summary>
    public static int DaysBeforeNextTransition(string storageClass) => storageClass switch
    {
        "STANDARD_IA" or "ONEZONE_IA" => 30,
        "GLACIER_IR" => 90,
        _ => 0,
    };

    /// <summary>
    /// Whether an object in <paramref name="from"/> may be moved to <paramref name="to"/>: only down the
    /// ladder (never up or sideways), and not ONEZONE_IA to GLACIER_IR, which AWS's waterfall forbids.
    /// </summary>
    public static bool CanMove(string from, string to, StorageClassTable classes) =>
        classes[to].Rank > classes[from].Rank && !(from == "ONEZONE_IA" && to == "GLACIER_IR");
}
