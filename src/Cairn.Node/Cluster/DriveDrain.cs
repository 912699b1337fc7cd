using Cairn.Cluster.Map;
using Cairn.Cluster.Meta;
using Cairn.Core.Errors;

namespace Cairn.Node.Cluster;

/// <summary>What setting a drive draining answers: the drive, its state now, and what happens next.</summary>
public sealed record DrainReport(string Drive, string State, string Next);

/// <summary>
/// `cairn admin drive drain --drive ID`: the meta group's SetDriveState(Draining). New fragments stop going to the drive
/// at once; the node that runs repair then moves every fragment it holds to drives that keep the protection level
/// (<see cref="Workers.FragmentMover"/>), and `cairn admin cluster` shows how many are left.
/// </summary>
public sealed class DriveDrain(ClusterRuntime cluster, TimeProvider time)
{
    public async Task<DrainReport> DrainAsync(string driveId, CancellationToken cancellationToken)
    {
        if (driveId.Length == 0) throw new S3Exception(S3ErrorCode.InvalidArgument, "Name the drive to drain (e.g. --drive n2-d1).");
        var map = await cluster.Meta.ReadAsync(cancellationToken).ConfigureAwait(false);
        var drive = map.Drive(driveId) ?? throw new S3Exception(S3ErrorCode.InvalidArgument,
            $"No drive {driveId} in the cluster; `cairn admin cluster` lists them.");
        if (drive.State is not (DriveState.Up or DriveState.Draining)) throw NotDrainable(drive.Id, drive.State);
        if (drive.State == DriveState.Up)
        {
            try
            {
                // A request id fixed by the drive: a retry applies once.
                await cluster.Meta.ExecuteAsync(new SetDriveState(driveId, DriveState.Draining) { At = time.GetUtcNow(), RequestId = $"drain/{driveId}" },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (MetaCommandException e) when (e.Error is MetaError.InvalidDriveState or MetaError.NoSuchDrive)
            {
                throw NotDrainable(drive.Id, cluster.Map.Drive(driveId)?.State ?? drive.State);
            }
        }
        return new DrainReport(driveId, DriveState.Draining.ToString(),
            $"Drive {driveId} is draining: no new fragment goes to it, and the node that runs repair moves every fragment it holds to drives " +
            "that keep the protection level, at --rebalance-rate. `cairn admin cluster` shows the fragments left on it; once none is left it can be removed.");
    }

    private static S3Exception NotDrainable(string driveId, DriveState state) =>
        new(S3ErrorCode.InvalidArgument, $"Drive {driveId} is {state}: only a drive that is up can be drained.");
}
