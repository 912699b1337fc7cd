using Cairn.Checking.History;

namespace Cairn.Checking.Model;

/// <summary>
/// One operation on one key in the form the search steps through: values as codes (<see cref="ValueCodes"/>).
/// </summary>
/// <param name="Source">Index of the operation in its key's timeline, to report it.</param>
/// <param name="Input">The value a write puts (codes), or <see cref="ValueCodes.Absent"/>.</param>
/// <param name="Expected">The value an If-Match names.</param>
/// <param name="Output">The value a read returned, <see cref="ValueCodes.AnyPresent"/> for an unidentified listed value.</param>
internal readonly record struct KeyOp(int Source, OperationKind Kind, ResultKind Result, int Input, int Expected, int Output, long Invoked, long Returned)
{
    public bool IsRead => Kind is OperationKind.Get or OperationKind.Exists;
}
