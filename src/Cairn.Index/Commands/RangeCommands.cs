namespace Cairn.Index.Commands;

/// <summary>
/// Splits the range that applies it at <paramref name="Point"/> (a range point, strictly inside its span): it keeps
/// the keys below, and the keys from the point on go to the new range <paramref name="NewRange"/>, whose every member
/// starts from this range's state at this command. Only a replicated range applies it (a single node never splits).
/// </summary>
public sealed record SplitShard(byte[] Point, string NewRange) : IndexCommand<Done>;

/// <summary>
/// The right range of a merge gives up its keys: from this entry on it owns nothing (its recorded span becomes empty at
/// <paramref name="Start"/>, its start), refuses every command and every read with the answer of a range that moved, and
/// writes nothing more, so its store stands exactly as it was at this entry. The result is this entry's log index: the
/// left range's <see cref="MergeShard"/> takes the rows of a replica that applied at least that far.
/// </summary>
public sealed record SubsumeShard(byte[] Start) : IndexCommand<long>;

/// <summary>
/// The left range of a merge takes in the range <paramref name="MergedRange"/>, which starts where it ends and was
/// subsumed at log index <paramref name="SubsumedAt"/>: every member copies the rows of its own node's replica of that
/// range (which must have applied at least that far) and widens its span to end at <paramref name="End"/>, in one write.
/// </summary>
public sealed record MergeShard(string MergedRange, byte[]? End, long SubsumedAt) : IndexCommand<Done>;
