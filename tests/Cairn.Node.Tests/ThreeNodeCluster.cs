using Cairn.Testing;

namespace Cairn.Node.Tests;

/// <summary>Three `cairn server` processes forming one cluster, shared by the tests of a class.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public LocalClusterProcesses Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalClusterProcesses.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
