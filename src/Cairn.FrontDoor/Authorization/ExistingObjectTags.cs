namespace Cairn.FrontDoor.Authorization;

/// <summary>
/// The actions for which S3 supplies s3:ExistingObjectTag/&lt;key&gt; (the tags of the object the action is on), from
/// AWS's "Actions, resources and condition keys for Amazon S3": reads of an object and of its ACL, tags, attributes,
/// retention and legal hold, and changes of its ACL, tags, retention and legal hold. Not PutObject nor DeleteObject:
/// S3 documents that a policy cannot allow or deny overwriting or deleting an object by its existing tags.
/// </summary>
public static class ExistingObjectTags
{
    private static readonly HashSet<string> Actions = new(StringComparer.OrdinalIgnoreCase)
    {
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectVersionAcl", "s3:GetObjectTagging", "s3:GetObjectVersionTagging",
        "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes", "s3:GetObjectRetention", "s3:GetObjectLegalHold",
        "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:PutObjectTagging", "s3:PutObjectVersionTagging",
        "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:PutObjectRetention", "s3:PutObjectLegalHold",
    };

    public static bool Apply(string action) => Actions.Contains(action);
}
