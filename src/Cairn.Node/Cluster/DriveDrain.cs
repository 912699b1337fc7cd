using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Core.Errors;

namespace Cairn.Node.Cluster;

/// <summary>
/// `cairn admin drive drain --drive ID`: the meta group's SetDriveState(Draining). New fragments stop going to the drive
/// at once; the node that runs repair then moves every fragment it holds to drives that keep the protection level
/// (<see cref="Workers.FragmentMover"/>), and `cairn admin cluster` shows how many are left. Draining a draining drive
/// changes nothing and answers the same.
/// </summary>
public sealed class DriveDrain(ClusterRuntime cluster, TimeProvider time)
{
    public async Task<DrainReport> DrainAsync(string driveId, CancellationToken cancellationToken)
    {
        var drive = Drainable(await cluster.Meta.ReadAsync(cancellationToken).ConfigureAwait(false), driveId);
        if (drive.State == DriveState.Up)
        {
            try
            {
                // A request id fixed by the drive: a retry applies once.
                var command = new SetDriveState(driveId, DriveState.Draining) { At = time.GetUtcNow(), RequestId = $"drain/{driveId}" };
                await cluster.Meta.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
            }
            catch (MetaCommandException e) when (e.Error is MetaError.InvalidDriveState or MetaError.NoSuchDrive)
            {
                Drainable(cluster.Map, driveId);
                throw;
            }
        }
        return new DrainReport(driveId, nameof(DriveState.Draining),
            $"Drive {driveId} is draining: no new fragment goes to it, and the node that runs repair moves every fragment it holds to drives " +
            "that keep the protection level, at --rebalance-rate. `cairn admin cluster` shows the fragments left on it; once none is left it can be removed.");
    }

    /// <summary>The drive, when it can be drained (up, or draining already); else the operator is told why.</summary>
    private static ClusterDrive Drainable(ClusterMap map, string driveId)
    {
        if (driveId.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "Name the drive to drain (e.g. --drive n2-d1).");
        var drive = map.Drive(driveId) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, $"No drive {driveId} in the cluster; `cairn admin cluster` lists them.");
        return drive.State is DriveState.Up or DriveState.Draining ? drive
            : throw new S3Exception(S3ErrorCode.InvalidArgument, $"Drive {drive.Id} is {drive.State}: only a drive that is up can be drained.");
    }
}

/// <summary>What setting a drive draining answers: the drive, its state now, and what happens next.</summary>
public sealed record DrainReport(string Drive, string State, string Next);
