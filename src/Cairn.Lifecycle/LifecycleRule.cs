namespace Cairn.Lifecycle;

public enum RuleStatus { Enabled, Disabled }

/// <summary>One lifecycle rule: which objects (filter) and what happens to them (actions).</summary>
public sealed record LifecycleRule
{
    public const int MaxIdLength = 255;

    public required string Id { get; init; }

    public RuleStatus Status { get; init; } = RuleStatus.Enabled;

    public LifecycleFilter Filter { get; init; } = LifecycleFilter.All;

    /// <summary>
    /// True when the rule named its prefix with the pre-Filter rule-level &lt;Prefix&gt; element;
    /// kept so GetBucketLifecycleConfiguration returns the rule the way it was written.
    /// </summary>
    public bool LegacyPrefix { get; init; }

    public IReadOnlyList<Transition> Transitions { get; init; } = [];

    public LifecycleExpiration? Expiration { get; init; }

    public IReadOnlyList<NoncurrentVersionTransition> NoncurrentVersionTransitions { get; init; } = [];

    public NoncurrentVersionExpiration? NoncurrentVersionExpiration { get; init; }

    public AbortIncompleteMultipartUpload? AbortIncompleteMultipartUpload { get; init; }

    public bool IsEnabled => Status == RuleStatus.Enabled;

    public bool HasAction =>
        Transitions.Count > 0 || Expiration is not null || NoncurrentVersionTransitions.Count > 0
        || NoncurrentVersionExpiration is not null || AbortIncompleteMultipartUpload is not null;
}
