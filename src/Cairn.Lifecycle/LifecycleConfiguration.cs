namespace Cairn.Lifecycle;

/// <summary>A bucket's lifecycle configuration: the rules PutBucketLifecycleConfiguration stores.</summary>
public sealed record LifecycleConfiguration(IReadOnlyList<LifecycleRule> Rules)
{
    /// <summary>AWS caps a configuration at 1,000 rules (not adjustable).</summary>
    public const int MaxRules = 1000;
}
