using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Acl;
using Cairn.Index.Records;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Acl;

/// <summary>The OwnershipControls document, the x-amz-object-ownership header, and the settings a new bucket starts with.</summary>
public static class OwnershipControls
{
    public const string Header = "x-amz-object-ownership";

    public static S3Xml Write(ObjectOwnership ownership)
    {
        var xml = new S3Xml("OwnershipControls");
        xml.Open("Rule").Element("ObjectOwnership", ownership.ToString()).Close();
        return xml;
    }

    /// <summary>PutBucketOwnershipControls' body: exactly one Rule with one ObjectOwnership S3 knows; MalformedXML otherwise.</summary>
    public static ObjectOwnership Read(XDocument document)
    {
        var root = document.Root;
        if (root?.Name.LocalName != "OwnershipControls") throw new S3Exception(S3ErrorCode.MalformedXML);
        var rules = root.Elements().ToList();
        if (rules is not [{ Name.LocalName: "Rule" } rule] || rule.Elements().Count() != 1) throw new S3Exception(S3ErrorCode.MalformedXML);
        return Parse(rule.Child("ObjectOwnership")?.Value) ?? throw new S3Exception(S3ErrorCode.MalformedXML);
    }

    private static ObjectOwnership? Parse(string? value) =>
        Enum.TryParse<ObjectOwnership>(value, ignoreCase: false, out var ownership) && Enum.IsDefined(ownership) && value == ownership.ToString() ? ownership : null;

    /// <summary>
    /// CreateBucket's ownership controls and ACL, as bucket settings. Without x-amz-object-ownership a bucket gets
    /// BucketOwnerEnforced (ACLs disabled), unless it asks for an ACL that gives only its owner anything ("private"), which
    /// S3 takes as BucketOwnerPreferred. With ACLs disabled, any other ACL is InvalidBucketAclWithObjectOwnership.
    /// </summary>
    public static Dictionary<string, string> ForNewBucket(IHeaderDictionary headers, string owner, Func<string, bool>? isUser = null)
    {
        var header = headers[Header].ToString().Trim();
        var asked = header.Length == 0 ? (ObjectOwnership?)null : Parse(header) ?? throw new S3Exception(S3ErrorCode.InvalidArgument, $"Invalid x-amz-object-ownership header: {header}")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = Header, ["ArgumentValue"] = header },
        };
        var acl = AclHeaders.Read(headers, owner, AclTarget.Bucket, isUser);
        var ownerOnly = acl?.GrantsOnlyTo(owner) ?? true;
        var ownership = asked ?? (acl is not null && ownerOnly ? ObjectOwnership.BucketOwnerPreferred : ObjectOwnership.BucketOwnerEnforced);
        if (ownership == ObjectOwnership.BucketOwnerEnforced && !ownerOnly) throw new S3Exception(AclErrors.InvalidBucketAclWithObjectOwnership);
        var settings = new Dictionary<string, string> { [AclSettings.Ownership] = ownership.ToString() };
        if (acl is not null && !RequestedAcl.IsDefault(acl, owner)) settings[AclSettings.BucketAcl] = AclSettings.Encode(acl);
        return settings;
    }
}
