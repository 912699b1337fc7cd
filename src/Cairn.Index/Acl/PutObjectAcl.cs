using Cairn.Index.Commands;
using Cairn.Index.Records;

namespace Cairn.Index.Acl;

/// <summary>PutObjectAcl: one version's ACL (the current one, or the one named), replaced in place (null: the default, the owner's FULL_CONTROL); markers carry none.</summary>
public sealed record PutObjectAcl(string Bucket, string Key, string? VersionId, AccessControlList? Acl) : IndexCommand<VersionRecord>, IObjectCommand;
