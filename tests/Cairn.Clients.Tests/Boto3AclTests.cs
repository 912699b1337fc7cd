using Cairn.Testing;

namespace Cairn.Clients.Tests;

/// <summary>Object Ownership and ACLs through boto3: the calls and shapes botocore models, on a bucket and on object versions.</summary>
public sealed partial class Boto3Tests
{
    [Fact]
    public async Task Ownership_controls_and_ACLs_round_trip_through_boto3()
    {
        var bucket = ServerFixture.NewBucketName("b3acl");
        var r = await PythonAsync("""
            s3.create_bucket(Bucket=bucket)
            def ownership():
                return s3.get_bucket_ownership_controls(Bucket=bucket)['OwnershipControls']['Rules'][0]['ObjectOwnership']
            def grants(resp):
                return sorted([[g['Grantee'].get('URI') or g['Grantee'].get('ID'), g['Grantee']['Type'], g['Permission']] for g in resp['Grants']])
            default = ownership()
            refused = code(lambda: s3.put_object(Bucket=bucket, Key='k', Body=b'x', ACL='public-read'))
            s3.put_object(Bucket=bucket, Key='k', Body=b'x', ACL='bucket-owner-full-control')
            enforced_acl = grants(s3.get_object_acl(Bucket=bucket, Key='k'))
            s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={'Rules': [{'ObjectOwnership': 'BucketOwnerPreferred'}]})
            preferred = ownership()
            s3.delete_public_access_block(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': 'Enabled'})
            v1 = s3.put_object(Bucket=bucket, Key='v', Body=b'1', ACL='public-read')['VersionId']
            v2 = s3.put_object(Bucket=bucket, Key='v', Body=b'2')['VersionId']
            owner = s3.get_object_acl(Bucket=bucket, Key='v')['Owner']['ID']
            s3.put_object_acl(Bucket=bucket, Key='v', VersionId=v2, AccessControlPolicy={
                'Owner': {'ID': owner},
                'Grants': [{'Grantee': {'Type': 'Group', 'URI': 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'}, 'Permission': 'READ'},
                           {'Grantee': {'Type': 'CanonicalUser', 'ID': owner}, 'Permission': 'FULL_CONTROL'}]})
            s3.put_bucket_acl(Bucket=bucket, GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"', GrantFullControl='id="%s"' % owner)
            out({'default': default, 'refused': refused, 'enforced': enforced_acl, 'preferred': preferred, 'owner': owner,
                 'v1': grants(s3.get_object_acl(Bucket=bucket, Key='v', VersionId=v1)),
                 'v2': grants(s3.get_object_acl(Bucket=bucket, Key='v', VersionId=v2)),
                 'bucket': grants(s3.get_bucket_acl(Bucket=bucket))})
            """, bucket);
        Assert.Equal("BucketOwnerEnforced", r.GetProperty("default").GetString());
        Assert.Equal("""["AccessControlListNotSupported",400]""", Compact(r.GetProperty("refused").GetRawText()));
        Assert.Equal("BucketOwnerPreferred", r.GetProperty("preferred").GetString());
        var owner = r.GetProperty("owner").GetString();
        Assert.Equal($"""[["{owner}","CanonicalUser","FULL_CONTROL"]]""", Compact(r.GetProperty("enforced").GetRawText()));
        Assert.Equal($"""[["{owner}","CanonicalUser","FULL_CONTROL"],["http://acs.amazonaws.com/groups/global/AllUsers","Group","READ"]]""",
            Compact(r.GetProperty("v1").GetRawText()));
        Assert.Equal($"""[["{owner}","CanonicalUser","FULL_CONTROL"],["http://acs.amazonaws.com/groups/global/AuthenticatedUsers","Group","READ"]]""",
            Compact(r.GetProperty("v2").GetRawText()));
        Assert.Equal($"""[["{owner}","CanonicalUser","FULL_CONTROL"],["http://acs.amazonaws.com/groups/global/AllUsers","Group","READ"]]""",
            Compact(r.GetProperty("bucket").GetRawText()));
    }

    private static string Compact(string json) => System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(json).RootElement);
}
