using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Cairn.Cluster.Map;
using Cairn.Data.Drives;
using Cairn.Data.Drives.Remote;

namespace Cairn.Node.Cluster;

/// <summary>
/// Every drive of the cluster as this node reaches it: its own drives, and each other node's as a
/// <see cref="RemoteFragmentStore"/>. A drive the map gains (a node that joined) is added when the map is seen
/// (<see cref="Learn"/>); drives are never dropped here, the map's states say which are usable.
/// </summary>
public sealed class ClusterDrives : IReadOnlyDictionary<string, IFragmentStore>
{
    private readonly ConcurrentDictionary<string, IFragmentStore> drives;
    private readonly string nodeId;
    private readonly HttpClient http;

    public ClusterDrives(string nodeId, IReadOnlyDictionary<string, IFragmentStore> localDrives, HttpClient http, ClusterMap map)
    {
        this.nodeId = nodeId;
        this.http = http;
        drives = new ConcurrentDictionary<string, IFragmentStore>(localDrives, StringComparer.Ordinal);
        Learn(map);
    }

    /// <summary>Reaches every drive of the map on another node that this node does not reach yet.</summary>
    public void Learn(ClusterMap map)
    {
        foreach (var drive in map.Drives.Where(d => d.NodeId != nodeId && !drives.ContainsKey(d.Id)))
            if (map.Node(drive.NodeId) is { } node)
                drives.TryAdd(drive.Id, new RemoteFragmentStore(drive.Id, ClusterRuntime.ClusterBase(node), http));
    }

    /// <summary>
    /// Waits (up to <paramref name="within"/>) until every one of <paramref name="driveIds"/> answers: the map says a node is
    /// up once its heartbeat or admission came through, the drives' own state is refreshed from their owner a moment later.
    /// </summary>
    public async Task WaitReachableAsync(IReadOnlyCollection<string> driveIds, TimeSpan within, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < within)
        {
            if (driveIds.All(d => drives.TryGetValue(d, out var drive) && drive.TryInitialize())) return;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    public IFragmentStore this[string key] => drives[key];
    public IEnumerable<string> Keys => drives.Keys;
    public IEnumerable<IFragmentStore> Values => drives.Values;
    public int Count => drives.Count;
    public bool ContainsKey(string key) => drives.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IFragmentStore value) => drives.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, IFragmentStore>> GetEnumerator() => drives.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
