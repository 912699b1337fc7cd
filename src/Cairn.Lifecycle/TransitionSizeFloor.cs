namespace Cairn.Lifecycle;

/// <summary>
/// S3's default floor on what lifecycle transitions move (since September 2024): objects under
/// 128 KiB stay put unless the rule itself filters by size. With varies_by_storage_class only the
/// classes that bill a 128 KiB minimum (STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR) keep the floor.
/// </summary>
public static class TransitionSizeFloor
{
    public const string AllStorageClasses128K = "all_storage_classes_128K";
    public const string VariesByStorageClass = "varies_by_storage_class";
    private const long Floor = 128 * 1024;

    public static bool IsKnown(string mode) => mode is AllStorageClasses128K or VariesByStorageClass;

    /// <summary>Whether a transition of an object of this size to the target class may proceed under the rule.</summary>
    public static bool Allows(string mode, LifecycleRule rule, long size, string targetStorageClass)
    {
        if (size >= Floor || rule.Filter.HasObjectSize) return true;
        return mode == VariesByStorageClass && targetStorageClass is "GLACIER" or "DEEP_ARCHIVE";
    }
}
