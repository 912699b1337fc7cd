using Cairn.Data.Drives;
using Microsoft.Extensions.Time.Testing;

namespace Cairn.Data.Tests;

/// <summary>
/// The orphan sweep frees a fragment only once sweeps have found it unreferenced for the grace of elapsed time: a file
/// time far in the past (a clock that ran ahead or stepped when the bytes were written) does not make a PUT in flight an orphan.
/// </summary>
public sealed class OrphanAgesTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    // Written, as its file says, long before: the sweeping node's clock says it is ancient.
    private static readonly FragmentInfo Ancient = new("blob-1", 0, 100, new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static bool Sweep(OrphanAges ages, params FragmentInfo[] unreferenced)
    {
        ages.BeginSweep();
        var due = unreferenced.Select(f => ages.IsDue("d0", f)).ToArray();
        ages.EndSweep();
        return due.Any(d => d);
    }

    [Fact]
    public void A_fragment_is_due_only_after_sweeps_found_it_unreferenced_for_the_grace_whatever_its_file_time()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ages = new OrphanAges(time, Grace);
        Assert.False(Sweep(ages, Ancient));
        time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.False(Sweep(ages, Ancient));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Sweep(ages, Ancient));
    }

    [Fact]
    public void A_fragment_found_referenced_in_between_starts_over()
    {
        var time = new FakeTimeProvider();
        var ages = new OrphanAges(time, Grace);
        Assert.False(Sweep(ages, Ancient));
        time.Advance(Grace / 2);
        Assert.False(Sweep(ages)); // committed meanwhile: referenced, not reported
        time.Advance(Grace / 2);
        Assert.False(Sweep(ages, Ancient));
        time.Advance(Grace);
        Assert.True(Sweep(ages, Ancient));
    }

    [Fact]
    public void Slots_and_drives_are_timed_apart()
    {
        var time = new FakeTimeProvider();
        var ages = new OrphanAges(time, Grace);
        ages.BeginSweep();
        Assert.False(ages.IsDue("d0", Ancient));
        ages.EndSweep();
        time.Advance(Grace);
        ages.BeginSweep();
        Assert.True(ages.IsDue("d0", Ancient));
        Assert.False(ages.IsDue("d1", Ancient));
        Assert.False(ages.IsDue("d0", Ancient with { Slot = 1 }));
        ages.EndSweep();
    }
}
