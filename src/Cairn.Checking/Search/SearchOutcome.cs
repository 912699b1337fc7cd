namespace Cairn.Checking.Search;

public enum SearchOutcome
{
    Linearizable,
    NotLinearizable,

    /// <summary>The search ran out of its time budget before deciding.</summary>
    Undecided,
}
