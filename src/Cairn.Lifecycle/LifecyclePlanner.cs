using Cairn.Core.StorageClasses;
using Cairn.Core.Time;

namespace Cairn.Lifecycle;

/// <summary>
/// Decides, for one version at a time, which lifecycle action is due now. Pure: the answer depends
/// only on the configuration, the facts and the clock. Disabled rules are ignored. Ages are clock
/// days (<see cref="DayClock.DaysBetween"/>); dates compare against wall time.
/// When several rules apply, deletion beats transition and the coldest due class wins (as AWS
/// resolves overlapping rules); among equals the earliest rule in the configuration names the action.
/// </summary>
public sealed class LifecyclePlanner
{
    private readonly IReadOnlyList<LifecycleRule> rules;
    private readonly DayClock clock;
    private readonly StorageClassTable classes;

    public LifecyclePlanner(LifecycleConfiguration configuration, DayClock clock, StorageClassTable? classes = null)
    {
        rules = configuration.Rules.Where(r => r.IsEnabled).ToList();
        this.clock = clock;
        this.classes = classes ?? StorageClassTable.Default;
    }

    public LifecycleAction CurrentVersionAction(ObjectFacts o)
    {
        var now = clock.Now;
        var age = clock.DaysBetween(o.LastModified, now);
        var applicable = rules.Where(r => r.Filter.Matches(o.Key, o.Size, o.Tags)).ToList();

        if (o.IsDeleteMarker)
        {
            // A current delete marker is never transitioned or expired; it can only be removed once it
            // hides nothing. AWS: ExpiredObjectDeleteMarker does that at once, and an Expiration with
            // Days does it when the marker is old enough.
            if (!o.IsOnlyVersion) return LifecycleAction.None;
            var remover = applicable.FirstOrDefault(r =>
                r.Expiration is { } e && (e.ExpiredObjectDeleteMarker == true || (e.Days is { } days && age >= days)));
            return remover is null ? LifecycleAction.None : LifecycleAction.RemoveExpiredDeleteMarker(remover.Id);
        }

        if (ScheduledExpiration(o) is { } expiry && now >= expiry.Date) return LifecycleAction.Expire(expiry.RuleId);

        var due = applicable.SelectMany(r => r.Transitions
            .Where(t => t.Days is { } days ? age >= days : now >= t.Date)
            .Select(t => (Rule: r, t.StorageClass)));
        return Coldest(due, o.StorageClass);
    }

    /// <summary>
    /// When an Expiration rule (Days or Date) will expire this current version, and which: the earliest, first in the
    /// configuration among equals. As S3 counts it, the date of a Days rule is the creation time plus the days, rounded up
    /// to the start of the next (clock) day; x-amz-expiration reports it and the worker expires the version then.
    /// </summary>
    public ScheduledExpiration? ScheduledExpiration(VersionFacts o)
    {
        ScheduledExpiration? earliest = null;
        foreach (var rule in rules)
        {
            if (rule.Expiration is not { } e || !rule.Filter.Matches(o.Key, o.Size, o.Tags)) continue;
            var date = e.Days is { } days ? clock.NextDayStart(clock.AddDays(o.LastModified, days)) : e.Date;
            if (date is { } d && (earliest is null || d < earliest.Date)) earliest = new ScheduledExpiration(d, rule.Id);
        }
        return earliest;
    }

    public LifecycleAction NoncurrentVersionAction(NoncurrentFacts v)
    {
        var noncurrentAge = clock.DaysBetween(v.NoncurrentSince, clock.Now);
        var applicable = rules.Where(r => r.Filter.Matches(v.Key, v.Size, v.Tags)).ToList();

        var expirer = applicable.FirstOrDefault(r =>
            r.NoncurrentVersionExpiration is { } e && noncurrentAge >= e.NoncurrentDays && Retained(e.NewerNoncurrentVersions, v));
        if (expirer is not null) return LifecycleAction.ExpireNoncurrent(expirer.Id);

        // A delete marker has no data to move.
        if (v.IsDeleteMarker) return LifecycleAction.None;
        var due = applicable.SelectMany(r => r.NoncurrentVersionTransitions
            .Where(t => noncurrentAge >= t.NoncurrentDays && Retained(t.NewerNoncurrentVersions, v))
            .Select(t => (Rule: r, t.StorageClass)));
        return Coldest(due, v.StorageClass);
    }

    /// <summary>
    /// The rule that aborts an upload begun at <paramref name="initiated"/>, or null. Uploads have no
    /// tags and no final size, so only prefix filters select them (AWS refuses the other combinations).
    /// </summary>
    public string? AbortUpload(string key, DateTimeOffset initiated)
    {
        var age = clock.DaysBetween(initiated, clock.Now);
        return rules.FirstOrDefault(r =>
            r.AbortIncompleteMultipartUpload is { } a && !r.Filter.HasTags && !r.Filter.HasObjectSize
            && r.Filter.MatchesKey(key) && age >= a.DaysAfterInitiation)?.Id;
    }

    /// <summary>NewerNoncurrentVersions keeps that many newer noncurrent versions before acting on older ones.</summary>
    private static bool Retained(int? keep, NoncurrentFacts v) => keep is null || v.NewerNoncurrentCount >= keep;

    /// <summary>The coldest due target the version may still move down to; None if it is already there or colder.</summary>
    private LifecycleAction Coldest(IEnumerable<(LifecycleRule Rule, string StorageClass)> due, string current)
    {
        (LifecycleRule Rule, string StorageClass)? best = null;
        foreach (var candidate in due)
        {
            if (!TransitionTargets.CanMove(current, candidate.StorageClass, classes)) continue;
            if (best is null || classes[candidate.StorageClass].Rank > classes[best.Value.StorageClass].Rank) best = candidate;
        }
        return best is { } b ? LifecycleAction.Transition(b.StorageClass, b.Rule.Id) : LifecycleAction.None;
    }
}
