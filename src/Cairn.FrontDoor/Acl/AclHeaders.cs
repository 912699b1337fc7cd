using Cairn.Core.Errors;
using Cairn.Index.Acl;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Acl;

/// <summary>What an ACL is being set on: canned ACLs mean slightly different things on a bucket and on an object.</summary>
public enum AclTarget
{
    Bucket,
    Object,
}

/// <summary>
/// The ACL a request asks for in its headers (or a form's fields): a canned ACL in <c>x-amz-acl</c>, or grants in
/// <c>x-amz-grant-read|write|read-acp|write-acp|full-control</c> (<c>id="…"</c>, <c>uri="…"</c> of S3's groups,
/// comma-separated), never both. Every bucket and object here is owned by the account, so the owner and the bucket
/// owner are the same canonical user; a grant by id names the account or an IAM user (<see cref="Identity.CanonicalIds"/>).
/// </summary>
public static class AclHeaders
{
    public const string CannedHeader = "x-amz-acl";

    private static readonly (string Header, AclPermission Permission)[] GrantHeaders =
    [
        ("x-amz-grant-read", AclPermission.READ),
        ("x-amz-grant-write", AclPermission.WRITE),
        ("x-amz-grant-read-acp", AclPermission.READ_ACP),
        ("x-amz-grant-write-acp", AclPermission.WRITE_ACP),
        ("x-amz-grant-full-control", AclPermission.FULL_CONTROL),
    ];

    public static readonly string[] Groups = [AclGrantee.AllUsers, AclGrantee.AuthenticatedUsers, AclGrantee.LogDelivery];

    /// <summary>The ACL the headers ask for; null when they ask for none (the default, "private").</summary>
    /// <param name="isUser">Whether a canonical id other than the owner's names an IAM user (<see cref="Identity.CanonicalIds.IsUser"/>); none when null.</param>
    public static AccessControlList? Read(IHeaderDictionary headers, string owner, AclTarget target, Func<string, bool>? isUser = null)
    {
        var canned = headers[CannedHeader].ToString().Trim();
        // Every PUT comes through here and almost none carries a grant: nothing is allocated for one that does not.
        List<AclGrant>? grants = null;
        foreach (var (header, permission) in GrantHeaders)
        {
            var value = headers[header].ToString();
            if (value.Length == 0) continue;
            if (canned.Length > 0) throw new S3Exception(S3ErrorCode.InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed");
            grants ??= [];
            foreach (var grantee in Grantees(header, value, owner, isUser)) grants.Add(new AclGrant(grantee, permission));
        }
        if (canned.Length > 0) return Canned(canned, owner, target);
        return grants is null ? null : new AccessControlList { Owner = owner, Grants = grants };
    }

    /// <summary>
    /// A canned ACL as S3 defines it. The bucket-owner-* ACLs give the bucket owner, who is the object's owner here,
    /// nothing more than it has, and S3 ignores them on a bucket. aws-exec-read names an AWS service account that does
    /// not exist here: refused, never stored as something else.
    /// </summary>
    public static AccessControlList Canned(string name, string owner, AclTarget target)
    {
        var grants = new List<AclGrant> { new(AclGrantee.User(owner), AclPermission.FULL_CONTROL) };
        void Group(string uri, params AclPermission[] permissions) => grants.AddRange(permissions.Select(p => new AclGrant(AclGrantee.Group(uri), p)));
        switch (name)
        {
            case "private" or "bucket-owner-read" or "bucket-owner-full-control":
                break;
            case "public-read":
                Group(AclGrantee.AllUsers, AclPermission.READ);
                break;
            case "public-read-write":
                Group(AclGrantee.AllUsers, AclPermission.READ, AclPermission.WRITE);
                break;
            case "authenticated-read":
                Group(AclGrantee.AuthenticatedUsers, AclPermission.READ);
                break;
            case "log-delivery-write" when target == AclTarget.Bucket:
                Group(AclGrantee.LogDelivery, AclPermission.WRITE, AclPermission.READ_ACP);
                break;
            case "aws-exec-read" or "log-delivery-write":
                throw new S3Exception(S3ErrorCode.NotImplemented, $"The canned ACL {name} is not supported here: the request was refused and nothing was stored.");
            default:
                throw new S3Exception(S3ErrorCode.InvalidArgument)
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = CannedHeader, ["ArgumentValue"] = name },
                };
        }
        return new AccessControlList { Owner = owner, Grants = grants };
    }

    /// <summary>The grantees of one grant header: <c>type="value"</c> pairs separated by commas, the quotes optional.</summary>
    private static IEnumerable<AclGrantee> Grantees(string header, string value, string owner, Func<string, bool>? isUser)
    {
        foreach (var part in value.Split(','))
        {
            var pair = part.Trim();
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw Invalid(header, value, "Argument format not recognized");
            var type = pair[..equals].Trim();
            var text = pair[(equals + 1)..].Trim();
            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') text = text[1..^1];
            if (text.Length == 0 || text.Contains('"')) throw Invalid(header, value, "Argument format not recognized");
            yield return type.ToLowerInvariant() switch
            {
                // The account and its users are the only canonical users here: any other id is one S3 would not know.
                "id" => text == owner || isUser?.Invoke(text) == true ? AclGrantee.User(text) : throw Invalid(header, value, "Invalid id"),
                "uri" => Groups.Contains(text) ? AclGrantee.Group(text) : throw Invalid(header, value, "Invalid group uri"),
                "emailaddress" => throw new S3Exception(AclErrors.UnresolvableGrantByEmailAddress)
                {
                    Details = new Dictionary<string, string> { ["EmailAddress"] = text },
                },
                _ => throw Invalid(header, value, "Argument format not recognized"),
            };
        }
    }

    private static S3Exception Invalid(string header, string value, string message) => new(S3ErrorCode.InvalidArgument, message)
    {
        Details = new Dictionary<string, string> { ["ArgumentName"] = header, ["ArgumentValue"] = value },
    };
}
