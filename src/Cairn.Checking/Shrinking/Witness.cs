using Cairn.Checking.History;

namespace Cairn.Checking.Shrinking;

/// <summary>
/// A small set of one key's operations that no order explains, starting from an absent key or, when earlier
/// operations were left out, from any value they wrote.
/// </summary>
/// <param name="EarlierValues">Values written by left-out earlier operations that these operations mention.</param>
/// <param name="OtherEarlierValues">True when left-out earlier operations wrote values none of these mention.</param>
/// <param name="Minimal">False when the shrinking ran out of time: the set is still unexplainable but may not be the smallest.</param>
public sealed record Witness(
    string Key,
    IReadOnlyList<WitnessOperation> Operations,
    IReadOnlyList<string> EarlierValues,
    bool OtherEarlierValues,
    bool Minimal);

/// <param name="ResultUnused">
/// True when the operation returned after the operation the violation was found at: the check treated it as of
/// unknown outcome (possibly applied), and its recorded result played no part.
/// </param>
public sealed record WitnessOperation(Operation Operation, bool ResultUnused);
