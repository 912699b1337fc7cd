using System.Net;
using System.Text;

namespace Cairn.Testing;

/// <summary>
/// Bucket policies for tests that need anonymous access: new buckets have Block Public Access on (as S3 creates them),
/// so making a bucket public is turning it off and putting a policy, as an S3 user would.
/// </summary>
public static class BucketPolicies
{
    /// <summary>Everyone may read every object (s3:GetObject) and list the bucket (so a missing key is a 404, not a 403).</summary>
    public static string PublicRead(string bucket) => $$"""
        {"Version":"2012-10-17","Statement":[
          {"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"},
          {"Sid":"PublicList","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{bucket}}"}]}
        """;

    /// <summary>Deletes the bucket's Block Public Access configuration and puts <paramref name="policy"/>.</summary>
    public static async Task MakePublicAsync(ServerProcess server, string bucket, string policy)
    {
        using var http = new SignedHttp(server);
        using (var unblock = await http.SendAsync(HttpMethod.Delete, $"/{bucket}?publicAccessBlock"))
            if (unblock.StatusCode != HttpStatusCode.NoContent) throw new InvalidOperationException($"DeletePublicAccessBlock: {unblock.StatusCode}");
        await PutAsync(server, bucket, policy);
    }

    /// <summary>PutBucketPolicy, which must succeed (204).</summary>
    public static async Task PutAsync(ServerProcess server, string bucket, string policy)
    {
        using var http = new SignedHttp(server);
        using var put = await http.SendAsync(HttpMethod.Put, $"/{bucket}?policy", new StringContent(policy, Encoding.UTF8, "application/json"));
        if (put.StatusCode != HttpStatusCode.NoContent)
            throw new InvalidOperationException($"PutBucketPolicy: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
    }
}
