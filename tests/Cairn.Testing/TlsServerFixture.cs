namespace Cairn.Testing;

/// <summary>A server serving S3 over HTTPS with a certificate from a test CA of its own; <see cref="ServerFixture.S3"/> trusts that CA.</summary>
public class TlsServerFixture : ServerFixture
{
    public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create();

    protected override Task<ServerProcess> StartServerAsync() => ServerProcess.StartTlsAsync(Ca, TestKeyKind.Rsa, ServerArguments);

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            Ca.Dispose();
        }
    }
}
