using Cairn.Core.StorageClasses;
using static Cairn.Lifecycle.LifecycleErrors;

namespace Cairn.Lifecycle;

/// <summary>
/// The rules AWS applies to a lifecycle configuration beyond its schema. Codes and wording follow
/// what S3 answers; where AWS documents a limit but not its error, the closest S3 code is used and
/// the method says so.
/// </summary>
public static class LifecycleValidator
{
    public const int MaxTagKeyLength = 128, MaxTagValueLength = 256, MaxNewerNoncurrentVersions = 100;

    public static void Validate(LifecycleConfiguration configuration)
    {
        // Undocumented code; an empty or oversized rule list fails the schema's bounds, so MalformedXML.
        if (configuration.Rules.Count == 0) throw Malformed("a lifecycle configuration needs at least one <Rule>");
        if (configuration.Rules.Count > LifecycleConfiguration.MaxRules)
            throw Malformed($"a lifecycle configuration may have at most {LifecycleConfiguration.MaxRules} rules");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in configuration.Rules)
        {
            if (rule.Id.Length > LifecycleRule.MaxIdLength)
                throw InvalidArgument($"ID length should not exceed allowed limit of {LifecycleRule.MaxIdLength}");
            if (!ids.Add(rule.Id)) throw InvalidArgument("Rule ID must be unique. Found same ID for more than one rule");
            ValidateRule(rule);
        }
    }

    private static void ValidateRule(LifecycleRule rule)
    {
        if (!rule.HasAction) throw InvalidRequest("At least one action needs to be specified in a rule");
        ValidateFilter(rule);
        var filter = rule.Filter.ToString();
        ValidateExpiration(rule);
        ValidateTransitions(rule, filter);
        ValidateNoncurrent(rule, filter);
        if (rule.AbortIncompleteMultipartUpload is { } abort)
        {
            if (abort.DaysAfterInitiation <= 0)
                throw InvalidArgument("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
            // Uploads carry no tags and no final size yet; AWS refuses both combinations with these words.
            if (rule.Filter.HasTags) throw InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
            if (rule.Filter.HasObjectSize) throw InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Object Size.");
        }
    }

    private static void ValidateFilter(LifecycleRule rule)
    {
        var f = rule.Filter;
        if (rule.LegacyPrefix && (f.HasTags || f.HasObjectSize))
            throw Malformed("the rule-level <Prefix> cannot carry tags or object sizes; use <Filter>");

        // AWS documents these limits (unique tag keys, S3 tag lengths, non-negative sizes) but not the
        // error code for breaking them in a lifecycle filter: InvalidArgument is the closest.
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in f.Tags)
        {
            if (tag.Key.Length is 0 or > MaxTagKeyLength)
                throw InvalidArgument($"The TagKey you have provided is invalid: it must be 1 to {MaxTagKeyLength} characters");
            if (tag.Value.Length > MaxTagValueLength)
                throw InvalidArgument($"The TagValue you have provided is invalid: it must be at most {MaxTagValueLength} characters");
            if (!keys.Add(tag.Key)) throw InvalidArgument("Duplicate Tag Keys are not allowed.");
        }
        if (f.ObjectSizeGreaterThan < 0) throw InvalidArgument("'ObjectSizeGreaterThan' must be a non-negative integer");
        if (f.ObjectSizeLessThan <= 0) throw InvalidArgument("'ObjectSizeLessThan' must be a positive integer");
        if (f.ObjectSizeGreaterThan >= f.ObjectSizeLessThan)
            throw InvalidArgument("'ObjectSizeGreaterThan' must be less than 'ObjectSizeLessThan'");
    }

    private static void ValidateExpiration(LifecycleRule rule)
    {
        if (rule.Expiration is not { } e) return;
        var given = (e.Days is null ? 0 : 1) + (e.Date is null ? 0 : 1) + (e.ExpiredObjectDeleteMarker is null ? 0 : 1);
        // AWS answers MalformedXML for Days or Date together with ExpiredObjectDeleteMarker.
        if (given != 1) throw Malformed("<Expiration> must have exactly one of Days, Date or ExpiredObjectDeleteMarker");
        if (e.Days <= 0) throw InvalidArgument("'Days' for Expiration action must be a positive integer");
        if (e.Date is { } date) RequireMidnight(date);
        // Documented restriction (delete markers have no tags); AWS does not document the code.
        if (e.ExpiredObjectDeleteMarker == true && rule.Filter.HasTags)
            throw InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.");
    }

    private static void ValidateTransitions(LifecycleRule rule, string filter)
    {
        var transitions = rule.Transitions;
        foreach (var t in transitions)
        {
            RequireTarget(t.StorageClass);
            if ((t.Days is null) == (t.Date is null)) throw Malformed("<Transition> must have exactly one of Days or Date");
            if (t.Days < 0) throw InvalidArgument("'Days' in Transition action must be nonnegative");
            if (t.Days < 30 && TransitionTargets.NeedsThirtyDays(t.StorageClass))
                throw InvalidArgument($"'Days' in Transition action must be greater than or equal to 30 for storageClass '{t.StorageClass}'");
            if (t.Date is { } date) RequireMidnight(date);
        }
        if (transitions.Count == 0) return;

        RequireDistinctClasses(transitions.Select(t => t.StorageClass), "Transition", filter);
        var byDays = transitions.Any(t => t.Days is not null);
        if (byDays && transitions.Any(t => t.Date is not null))
            throw InvalidRequest($"Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '{filter}'");
        if ((rule.Expiration is { Days: not null } && !byDays) || (rule.Expiration is { Date: not null } && byDays))
            throw InvalidRequest($"Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '{filter}'");

        if (byDays)
        {
            RequireLadder(transitions.Select(t => new Step(t.StorageClass, t.Days!.Value)), "Days", "Transition", filter, gaps: true);
            if (rule.Expiration?.Days is { } expire && transitions.Any(t => t.Days >= expire))
                throw InvalidArgument($"'Days' in the Expiration action for filter '{filter}' must be greater than 'Days' in the Transition action");
        }
        else
        {
            // Dates compare by day: they are all midnight UTC by now.
            var epoch = DateTimeOffset.UnixEpoch;
            RequireLadder(transitions.Select(t => new Step(t.StorageClass, (t.Date!.Value - epoch).Days)), "Date", "Transition", filter, gaps: false);
            if (rule.Expiration?.Date is { } expire && transitions.Any(t => t.Date >= expire))
                throw InvalidArgument($"'Date' in the Expiration action for filter '{filter}' must be greater than 'Date' in the Transition action");
        }
    }

    private static void ValidateNoncurrent(LifecycleRule rule, string filter)
    {
        foreach (var t in rule.NoncurrentVersionTransitions)
        {
            RequireTarget(t.StorageClass);
            if (t.NoncurrentDays < 0) throw InvalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative");
            if (t.NoncurrentDays < 30 && TransitionTargets.NeedsThirtyDays(t.StorageClass))
                throw InvalidArgument(
                    $"'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '{t.StorageClass}'");
            RequireNewerNoncurrentVersions(t.NewerNoncurrentVersions);
        }
        var transitions = rule.NoncurrentVersionTransitions;
        if (transitions.Count > 0)
        {
            RequireDistinctClasses(transitions.Select(t => t.StorageClass), "NoncurrentVersionTransition", filter);
            RequireLadder(transitions.Select(t => new Step(t.StorageClass, t.NoncurrentDays)), "NoncurrentDays", "NoncurrentVersionTransition", filter, gaps: true);
        }

        if (rule.NoncurrentVersionExpiration is not { } e) return;
        if (e.NoncurrentDays <= 0) throw InvalidArgument("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
        RequireNewerNoncurrentVersions(e.NewerNoncurrentVersions);
        if (transitions.Any(t => t.NoncurrentDays >= e.NoncurrentDays))
            throw InvalidArgument(
                $"'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '{filter}' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action");
    }

    private readonly record struct Step(string StorageClass, int Day);

    /// <summary>
    /// Several transitions in one rule must walk down the storage-class ladder as the days grow: each
    /// colder class strictly later than the warmer one, and (for Days) late enough that the object has
    /// served the warmer class's minimum stay. Two classes on the same rung are refused: Cairn only
    /// moves objects strictly down its ladder.
    /// </summary>
    private static void RequireLadder(IEnumerable<Step> steps, string field, string action, string filter, bool gaps)
    {
        var ordered = steps.OrderBy(s => Rank(s.StorageClass)).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (warmer, colder) = (ordered[i - 1], ordered[i]);
            if (Rank(warmer.StorageClass) == Rank(colder.StorageClass))
                throw InvalidArgument(
                    $"'StorageClass' '{colder.StorageClass}' and '{warmer.StorageClass}' in the {action} actions for filter '{filter}' are on the same tier; a rule's transitions must each move to a colder storage class");
            if (colder.Day <= warmer.Day)
                throw InvalidArgument(
                    $"'{field}' in the {action} action for StorageClass '{colder.StorageClass}' for filter '{filter}' must be greater than '{field}' in the {action} action for StorageClass '{warmer.StorageClass}' for filter '{filter}'");
            var stay = gaps ? TransitionTargets.DaysBeforeNextTransition(warmer.StorageClass) : 0;
            if (colder.Day - warmer.Day < stay)
                throw InvalidArgument(
                    $"'{field}' in the {action} action for StorageClass '{colder.StorageClass}' for filter '{filter}' must be {stay} days more than '{field}' in the {action} action for StorageClass '{warmer.StorageClass}'");
        }
    }

    private static void RequireDistinctClasses(IEnumerable<string> classes, string action, string filter)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (!classes.All(seen.Add))
            throw InvalidRequest($"'StorageClass' must be different for '{action}' actions in same 'Rule' with filter '{filter}'");
    }

    private static void RequireTarget(string storageClass)
    {
        if (!TransitionTargets.IsTarget(storageClass)) throw Malformed($"'{storageClass}' is not a lifecycle transition storage class");
    }

    private static void RequireNewerNoncurrentVersions(int? count)
    {
        // AWS documents "up to 100" but not the error for breaking it: InvalidArgument is the closest.
        if (count is < 1 or > MaxNewerNoncurrentVersions)
            throw InvalidArgument($"'NewerNoncurrentVersions' must be an integer from 1 to {MaxNewerNoncurrentVersions}");
    }

    private static void RequireMidnight(DateTimeOffset date)
    {
        if (date.UtcDateTime.TimeOfDay != TimeSpan.Zero) throw InvalidArgument("'Date' must be at midnight GMT");
    }

    private static int Rank(string storageClass) => StorageClassTable.Default[storageClass].Rank;
}
