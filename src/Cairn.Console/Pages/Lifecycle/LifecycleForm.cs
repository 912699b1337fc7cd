namespace Cairn.WebConsole.Pages.Lifecycle;

// What the lifecycle form edits: one LifecycleRule of S3's PutBucketLifecycleConfiguration, field for field. Mutable
// classes because Razor Pages binds posted forms into them.

public sealed class RuleForm
{
    public string? Id { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The rule names its prefix in the old way (&lt;Prefix&gt; in the rule, no &lt;Filter&gt;): kept so.</summary>
    public bool LegacyPrefix { get; set; }

    public string? Prefix { get; set; }

    public List<TagForm> Tags { get; set; } = [];

    public long? SizeGreaterThan { get; set; }

    public long? SizeLessThan { get; set; }

    public List<TransitionForm> Transitions { get; set; } = [];

    public int? ExpirationDays { get; set; }

    public string? ExpirationDate { get; set; }

    public bool ExpiredObjectDeleteMarker { get; set; }

    public List<NoncurrentTransitionForm> NoncurrentTransitions { get; set; } = [];

    public int? NoncurrentExpirationDays { get; set; }

    public int? NoncurrentExpirationNewerVersions { get; set; }

    public int? AbortIncompleteUploadDays { get; set; }

    /// <summary>A rule the form offers to add (kept only when <see cref="Add"/> is ticked).</summary>
    public bool IsNew { get; set; }

    public bool Add { get; set; }

    public bool Remove { get; set; }

    public bool Kept => IsNew ? Add : !Remove;
}

public sealed class TagForm
{
    public string? Key { get; set; }

    public string? Value { get; set; }
}

public sealed class TransitionForm
{
    public int? Days { get; set; }

    public string? Date { get; set; }

    public string? StorageClass { get; set; }

    public bool Blank => Days is null && string.IsNullOrWhiteSpace(Date);
}

public sealed class NoncurrentTransitionForm
{
    public int? NoncurrentDays { get; set; }

    public int? NewerNoncurrentVersions { get; set; }

    public string? StorageClass { get; set; }

    public bool Blank => NoncurrentDays is null;
}
