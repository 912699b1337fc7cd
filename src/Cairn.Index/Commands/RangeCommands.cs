namespace Cairn.Index.Commands;

/// <summary>
/// Splits the range that applies it at <paramref name="Point"/> (a range point, strictly inside its span): it keeps
/// the keys below, and the keys from the point on go to the new range <paramref name="NewRange"/>, whose every member
/// starts from this range's state at this command. Only a replicated range applies it (a single node never splits).
/// </summary>
public sealed record SplitShard(byte[] Point, string NewRange) : IndexCommand<Done>;
