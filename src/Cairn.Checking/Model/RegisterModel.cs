using Cairn.Checking.History;

namespace Cairn.Checking.Model;

/// <summary>
/// S3's semantics for one key of an unversioned bucket, as a register that is absent or holds one value.
/// <see cref="Step"/> says whether an operation with its recorded result can happen in a state, and the state after.
/// An operation whose outcome is unknown is accepted in every state with the effect it would have had: that it may
/// never have happened is covered by its return at +∞, which lets the search place it after everything else.
/// </summary>
internal static class RegisterModel
{
    public static bool Step(int state, in KeyOp op, out int next)
    {
        next = state;
        var present = state != ValueCodes.Absent;
        switch (op.Kind)
        {
            case OperationKind.Put:
                next = op.Input;
                return op.Result is ResultKind.Ok or ResultKind.Unknown;

            case OperationKind.Delete:
                next = ValueCodes.Absent;
                return op.Result is ResultKind.Ok or ResultKind.Unknown;

            case OperationKind.PutIfAbsent:
                return Conditional(op.Result, holds: !present, refusal: ResultKind.PreconditionFailed, op.Input, ref next);

            case OperationKind.PutIfMatch:
                // S3: 412 when the key holds another value, 404 NoSuchKey when it is absent.
                return Conditional(op.Result, holds: state == op.Expected, refusal: present ? ResultKind.PreconditionFailed : ResultKind.NotFound, op.Input, ref next);

            case OperationKind.DeleteIfMatch:
                return Conditional(op.Result, holds: state == op.Expected, refusal: present ? ResultKind.PreconditionFailed : ResultKind.NotFound, ValueCodes.Absent, ref next);

            case OperationKind.Get:
            case OperationKind.Exists:
                return op.Result switch
                {
                    ResultKind.Found => op.Output == ValueCodes.AnyPresent ? present : state == op.Output,
                    ResultKind.NotFound => !present,
                    ResultKind.Unknown => true,
                    _ => false,
                };

            default:
                return false;
        }
    }

    /// <summary>A conditional write: it applies exactly when its condition holds, and is refused with one specific answer otherwise.</summary>
    private static bool Conditional(ResultKind result, bool holds, ResultKind refusal, int written, ref int next)
    {
        switch (result)
        {
            case ResultKind.Ok:
                next = written;
                return holds;
            case ResultKind.Unknown:
                if (holds) next = written;
                return true;
            case ResultKind.Conflict:
                // 409: a concurrent conditional request won the race; this one changed nothing, whatever the state.
                return true;
            default:
                return !holds && result == refusal;
        }
    }
}
