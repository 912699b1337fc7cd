using Amazon.S3;
using Xunit;

namespace Cairn.Testing;

/// <summary>One server process shared by the tests of a class (xunit IClassFixture).</summary>
public class ServerFixture : IAsyncLifetime
{
    /// <summary>Extra `cairn server` arguments, for fixtures of a differently configured server.</summary>
    protected virtual string[] ServerArguments => [];

    public ServerProcess Server { get; private set; } = null!;

    public AmazonS3Client S3 { get; private set; } = null!;

    /// <summary>Starts the shared server: plain HTTP with <see cref="ServerArguments"/> unless a fixture says otherwise.</summary>
    protected virtual Task<ServerProcess> StartServerAsync() => ServerProcess.StartAsync(ServerArguments);

    public async Task InitializeAsync()
    {
        Server = await StartServerAsync();
        S3 = Server.Client();
    }

    public virtual async Task DisposeAsync()
    {
        S3.Dispose();

        await Server.DisposeAsync();
        // A response refused by a test that expected an error still fails the class.
        Server.XmlValidation.ThrowIfAny();
    }

    /// <summary>A fresh bucket for one test, with versioning enabled if asked.</summary>
    public async Task<string> NewBucketAsync(string hint, bool versioned = false)
    {
        var name = NewBucketName(hint);
        await S3.PutBucketAsync(name);
        if (versioned)
            await S3.PutBucketVersioningAsync(new Amazon.S3.Model.PutBucketVersioningRequest
            {
                BucketName = name, VersioningConfig = new Amazon.S3.Model.S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        return name;
    }

    /// <summary>A fresh bucket name for one test, so tests sharing a server never collide.</summary>
    public static string NewBucketName(string hint = "t") =>
        $"{hint.ToLowerInvariant()}-{Guid.NewGuid():N}"[..Math.Min(40, hint.Length + 33)];
}
