using Cairn.Core.Blobs;
using Cairn.Core.Errors;
using Cairn.Index.Records;
using Cairn.Index.Uploads;
using CsCheck;

namespace Cairn.Index.Tests;

/// <summary>
/// Property tests of the apply function: random sequences of commands applied to a real shard agree,
/// after every step and across restarts, with a small in-memory model of S3's semantics — versions,
/// delete markers, null versions, suspended versioning and multipart uploads — and with the blob
/// bookkeeping that follows from it (every owned blob referenced, every released one queued once).
/// </summary>
public sealed class ShardModelTests
{
    private const string Bucket = "model";
    private static readonly string[] Keys = ["a", "a/b", "b"];

    private enum Step { Put, Delete, DeleteVersion, Enable, Suspend, CreateUpload, PutPart, Complete, Abort, Restart }

    [Fact]
    public Task Random_command_sequences_agree_with_the_model() =>
        Gen.Select(Gen.Enum<Step>(), Gen.Int[0, Keys.Length - 1], Gen.Int[0, 1000]).Array[1, 60]
            .SampleAsync(RunAsync, iter: 40, print: steps => string.Join(", ", steps.Select(s => $"{s.Item1}({Keys[s.Item2]},{s.Item3})")));

    private static async Task RunAsync((Step Step, int Key, int Arg)[] steps)
    {
        await using var index = new IndexFixture();
        await index.Buckets.CreateAsync(Bucket, "o", "r");
        var model = new S3Model();
        var blobCounter = 0;
        string NewBlob() => $"blob{++blobCounter:D4}";

        foreach (var (step, keyIndex, arg) in steps)
        {
            var key = Keys[keyIndex];
            switch (step)
            {
                case Step.Put:
                    var blob = NewBlob();
                    var put = await index.Objects.PutAsync(Bucket, key, IndexFixture.Draft(arg + 1, Layout(blob)));
                    model.Put(key, put.VersionId, blob, arg + 1);
                    break;
                case Step.Delete:
                    var marker = await index.Objects.DeleteAsync(Bucket, key);
                    model.Delete(key, marker?.VersionId);
                    break;
                case Step.DeleteVersion:
                    var versions = model.VersionsOf(key);
                    // Sometimes a version id that does not exist (any more): nothing happens.
                    var victim = versions.Count > 0 && arg % 5 != 0 ? versions[arg % versions.Count].Id : "null";
                    var removed = await index.Objects.DeleteVersionAsync(Bucket, key, victim);
                    Assert.Equal(model.DeleteVersion(key, victim), removed is not null);
                    break;
                case Step.Enable:
                    await index.Buckets.PutVersioningAsync(Bucket, VersioningState.Enabled);
                    model.Versioning = VersioningState.Enabled;
                    break;
                case Step.Suspend when model.Versioning != VersioningState.Unversioned:
                    await index.Buckets.PutVersioningAsync(Bucket, VersioningState.Suspended);
                    model.Versioning = VersioningState.Suspended;
                    break;
                case Step.CreateUpload:
                    var upload = await index.Uploads.CreateAsync(Bucket, new UploadRecord { UploadId = "", Key = key, Initiated = DateTimeOffset.UtcNow });
                    model.Uploads.Add(new ModelUpload(key, upload.UploadId));
                    break;
                case Step.PutPart when model.Uploads.Count > 0:
                    var target = model.Uploads[arg % model.Uploads.Count];
                    var partBlob = NewBlob();
                    var number = arg % 3 + 1;
                    await index.Uploads.PutPartAsync(Bucket, target.Key, target.UploadId, new PartRecord
                    {
                        PartNumber = number, Size = 10, ETag = $"\"{partBlob}\"", LastModified = DateTimeOffset.UtcNow, Blob = Layout(partBlob),
                    });
                    // A part number uploaded again replaces the earlier part, whose bytes are released.
                    if (target.Parts.TryGetValue(number, out var replaced)) model.Released.Add(replaced);
                    target.Parts[number] = partBlob;
                    break;
                case Step.Complete when model.Uploads.Count > 0:
                    var done = model.Uploads[arg % model.Uploads.Count];
                    if (done.Parts.Count == 0) break;
                    var manifest = done.Parts.OrderBy(p => p.Key).Take(Math.Max(1, done.Parts.Count - arg % 2))
                        .Select(p => new ManifestPart(p.Key, $"\"{p.Value}\"")).ToList();
                    var completed = await index.Uploads.CompleteAsync(Bucket, done.Key, done.UploadId, manifest, minimumPartSize: 0,
                        (u, parts) => IndexFixture.Draft(parts.Sum(p => p.Size)) with { Inline = null });
                    model.Complete(done, completed.VersionId, manifest.Select(m => done.Parts[m.PartNumber]).ToList());
                    break;
                case Step.Abort when model.Uploads.Count > 0:
                    var aborted = model.Uploads[arg % model.Uploads.Count];
                    await index.Uploads.AbortAsync(Bucket, aborted.Key, aborted.UploadId);
                    model.Uploads.Remove(aborted);
                    model.Released.AddRange(aborted.Parts.Values);
                    break;
                case Step.Restart:
                    await index.ReopenAsync();
                    break;
            }
            await AgreesAsync(index, model);
        }
        // Whatever happened, a bucket with uploads but no versions can go, taking the uploads along.
        foreach (var key in Keys)
            foreach (var version in model.VersionsOf(key).ToList())
            {
                await index.Objects.DeleteVersionAsync(Bucket, key, version.Id);
                model.DeleteVersion(key, version.Id);
            }
        await index.Buckets.DeleteAsync(Bucket);
        model.Released.AddRange(model.Uploads.SelectMany(u => u.Parts.Values));
        model.Uploads.Clear();
        Assert.Null(await index.Buckets.GetAsync(Bucket));
        await AgreesOnBlobs(index, model);
    }

    private static async Task AgreesAsync(IndexFixture index, S3Model model)
    {
        foreach (var key in Keys)
        {
            var expected = model.VersionsOf(key);
            var actual = await index.Objects.VersionsAsync(Bucket, key);
            Assert.Equal(expected.Select(v => (v.Id, v.IsMarker, v.Size)), actual.Select(v => (v.VersionId, v.IsDeleteMarker, v.IsDeleteMarker ? 0 : v.Size)));
            var current = await index.Objects.GetCurrentAsync(Bucket, key);
            Assert.Equal(expected.FirstOrDefault()?.Id, current?.VersionId);
        }
        var listed = await index.Lister.ListAsync(Bucket, "", null, null, 1000);
        Assert.Equal(Keys.Where(k => model.VersionsOf(k).FirstOrDefault() is { IsMarker: false }), listed.Objects.Select(o => o.Key));
        await AgreesOnBlobs(index, model);
    }

    private static async Task AgreesOnBlobs(IndexFixture index, S3Model model)
    {
        var owned = model.OwnedBlobs().ToHashSet();
        var referenced = (await index.Bookkeeping.ReferencesAsync().ToListAsync()).Select(r => r.Layout!.BlobId).ToHashSet();
        Assert.Equal(owned.Order(), referenced.Order());
        var queued = (await index.Bookkeeping.QueuedFreesAsync()).Select(f => f.Blob.BlobId).ToList();
        Assert.Equal(model.Released.Order(), queued.Order());
    }

    private static BlobLayout Layout(string blobId) => new() { BlobId = blobId, Length = 1, Drives = ["d0"] };

    private sealed record ModelVersion(string Id, bool IsMarker, long Size, IReadOnlyList<string> Blobs);

    private sealed record ModelUpload(string Key, string UploadId)
    {
        public Dictionary<int, string> Parts { get; } = [];
    }

    /// <summary>S3's semantics for one bucket, as plainly as they can be written.</summary>
    private sealed class S3Model
    {
        private readonly Dictionary<string, List<ModelVersion>> versions = [];

        public VersioningState Versioning { get; set; }
        public List<ModelUpload> Uploads { get; } = [];

        /// <summary>Blobs whose last owner let go, in any order: what the free queue must hold.</summary>
        public List<string> Released { get; } = [];

        public List<ModelVersion> VersionsOf(string key) => versions.TryGetValue(key, out var list) ? list : versions[key] = [];

        public void Put(string key, string versionId, string blob, long size) =>
            Add(key, new ModelVersion(versionId, false, size, [blob]));

        public void Delete(string key, string? markerId)
        {
            var list = VersionsOf(key);
            if (Versioning == VersioningState.Unversioned)
            {
                Assert.Null(markerId);
                if (list.Count > 0) Reap(list, list[0]);
                return;
            }
            Assert.NotNull(markerId);
            Add(key, new ModelVersion(markerId, true, 0, []));
        }

        public bool DeleteVersion(string key, string versionId)
        {
            var list = VersionsOf(key);
            var victim = list.FirstOrDefault(v => v.Id == versionId);
            if (victim is null) return false;
            Reap(list, victim);
            return true;
        }

        public void Complete(ModelUpload upload, string versionId, IReadOnlyList<string> chosen)
        {
            Uploads.Remove(upload);
            Released.AddRange(upload.Parts.Values.Except(chosen));
            Add(upload.Key, new ModelVersion(versionId, false, chosen.Count * 10L, chosen));
        }

        public IEnumerable<string> OwnedBlobs() =>
            versions.Values.SelectMany(l => l).SelectMany(v => v.Blobs).Concat(Uploads.SelectMany(u => u.Parts.Values));

        private void Add(string key, ModelVersion version)
        {
            var list = VersionsOf(key);
            var expectNull = Versioning != VersioningState.Enabled;
            Assert.Equal(expectNull, version.Id == "null");
            // A null version replaces the key's previous null version.
            if (expectNull && list.FirstOrDefault(v => v.Id == "null") is { } previous) Reap(list, previous);
            list.Insert(0, version);
        }

        private void Reap(List<ModelVersion> list, ModelVersion victim)
        {
            list.Remove(victim);
            Released.AddRange(victim.Blobs);
        }
    }
}
