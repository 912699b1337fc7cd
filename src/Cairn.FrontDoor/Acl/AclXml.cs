using System.Xml.Linq;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Acl;
using Cairn.Index.Records;

namespace Cairn.FrontDoor.Acl;

/// <summary>The AccessControlPolicy document of Get/PutBucketAcl and Get/PutObjectAcl, written and read strictly.</summary>
public static class AclXml
{
    public static S3Xml Write(AccessControlList acl, Owner owner)
    {
        var xml = new S3Xml("AccessControlPolicy");
        xml.Open("Owner").Element("ID", acl.Owner).Element("DisplayName", acl.Owner == owner.Id ? owner.DisplayName : null).Close();
        xml.Open("AccessControlList");
        foreach (var grant in acl.Grants)
        {
            xml.Open("Grant");
            if (grant.Grantee.Uri is { } uri) xml.Open("Grantee", "Group").Element("URI", uri).Close();
            else
                xml.Open("Grantee", "CanonicalUser").Element("ID", grant.Grantee.Id)
                    .Element("DisplayName", grant.Grantee.Id == owner.Id ? owner.DisplayName : null).Close();
            xml.Element("Permission", grant.Permission.ToString()).Close();
        }
        xml.Close();
        return xml;
    }

    /// <summary>
    /// A PUT's AccessControlPolicy. A document that is not one is MalformedACLError; a grantee by e-mail is S3's error for
    /// an address it cannot resolve; an id other than the account's or an IAM user's is InvalidArgument; an Owner other than the account
    /// is AccessDenied (an ACL cannot hand the resource to someone else).
    /// </summary>
    public static AccessControlList Read(XDocument document, string owner, Func<string, bool>? isUser = null)
    {
        var root = document.Root;
        if (root?.Name.LocalName != "AccessControlPolicy") throw Malformed();
        var ownerId = root.Child("Owner")?.Child("ID")?.Value.Trim();
        if (ownerId is null) throw Malformed();
        if (ownerId != owner) throw new S3Exception(S3ErrorCode.AccessDenied);
        var list = root.Child("AccessControlList") ?? throw Malformed();
        var grants = new List<AclGrant>();
        foreach (var grant in list.Elements())
        {
            if (grant.Name.LocalName != "Grant") throw Malformed();
            var grantee = grant.Child("Grantee") ?? throw Malformed();
            if (!Enum.TryParse<AclPermission>(grant.Child("Permission")?.Value.Trim(), ignoreCase: false, out var permission) || !Enum.IsDefined(permission))
                throw Malformed();
            grants.Add(new AclGrant(Grantee(grantee, owner, isUser), permission));
        }
        return new AccessControlList { Owner = ownerId, Grants = grants };
    }

    private static AclGrantee Grantee(XElement grantee, string owner, Func<string, bool>? isUser)
    {
        var type = grantee.Attribute(XName.Get("type", S3Xml.XmlSchemaInstance))?.Value;
        switch (type)
        {
            case "CanonicalUser":
                var id = grantee.Child("ID")?.Value.Trim();
                if (string.IsNullOrEmpty(id)) throw Malformed();
                return id == owner || isUser?.Invoke(id) == true ? AclGrantee.User(id) : throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid id")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "CanonicalUser/ID", ["ArgumentValue"] = id },
                };
            case "Group":
                var uri = grantee.Child("URI")?.Value.Trim();
                if (string.IsNullOrEmpty(uri)) throw Malformed();
                return AclHeaders.Groups.Contains(uri) ? AclGrantee.Group(uri) : throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid group uri")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "Group/URI", ["ArgumentValue"] = uri },
                };
            case "AmazonCustomerByEmail":
                throw new S3Exception(AclErrors.UnresolvableGrantByEmailAddress)
                {
                    Details = new Dictionary<string, string> { ["EmailAddress"] = grantee.Child("EmailAddress")?.Value ?? "" },
                };
            default:
                throw Malformed();
        }
    }

    private static S3Exception Malformed() => new(AclErrors.MalformedACLError);
}
