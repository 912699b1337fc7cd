namespace Cairn.Cluster.Meta;

/// <summary>Why a meta command was refused.</summary>
public enum MetaError
{
    NotBootstrapped,
    AlreadyBootstrapped,
    InvalidArgument,
    NodeExists,
    NoSuchNode,
    InvalidNodeState,
    NodeStillAlive,
    DriveExists,
    NoSuchDrive,
    InvalidDriveState,
    NoSuchGroup,
    StaleGeneration,
    SplitOutsideRange,
    NotAMember,
    AlreadyAMember,
    FailureDomainConflict,
    InsufficientNodes,
    StillAMember,
    NotAdjacent,
    MembersDiffer,
}

/// <summary>A meta command's precondition failed; the map is left exactly as it was.</summary>
public sealed class MetaCommandException(MetaError error, string message) : Exception(message)
{
    public MetaError Error { get; } = error;
}
