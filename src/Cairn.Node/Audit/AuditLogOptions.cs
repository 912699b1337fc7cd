namespace Cairn.Node.Audit;

/// <summary>Where the audit log is kept and how much of it: files of at most <see cref="MaxFileBytes"/>, the newest <see cref="KeepFiles"/> kept.</summary>
public sealed record AuditLogOptions
{
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;
    public const int DefaultKeepFiles = 20;

    /// <summary>The folder of the log files (<c>DATA/audit</c>).</summary>
    public required string Folder { get; init; }

    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;
    public int KeepFiles { get; init; } = DefaultKeepFiles;
}
