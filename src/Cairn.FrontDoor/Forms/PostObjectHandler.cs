using System.Text;
using Cairn.Auth;
using Cairn.Core.Errors;
using Cairn.FrontDoor.Authorization;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Policies;
using Microsoft.AspNetCore.Http;

namespace Cairn.FrontDoor.Forms;

/// <summary>
/// PostObject: a browser form upload (multipart/form-data POST to the bucket). The form authenticates itself —
/// the SigV4 signature of its policy document, checked in Cairn.Auth — and its fields stand in for PutObject's
/// headers; the file streams into the same write path as a PUT body, within the policy's content-length-range.
/// Answers 204 by default, 200 or 201 (with a PostResponse document) as success_action_status asks, or a 303 to
/// success_action_redirect with the bucket, key and ETag in its query.
/// </summary>
public sealed class PostObjectHandler(SigV4Verifier verifier, ObjectWriter writer, Authorizer authorizer, Encryption.DataKeys keys, Identity.CanonicalIds ids, TimeProvider time)
{
    /// <summary>Fields that address, authenticate or steer the upload, not properties of the object.</summary>
    private static readonly HashSet<string> ControlFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "bucket", "policy", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature", "x-amz-security-token",
        "AWSAccessKeyId", "signature", "success_action_status", "success_action_redirect", "redirect", "tagging", "acl",
        "Content-Length",
    };

    public async Task HandleAsync(S3Request s3)
    {
        var form = await PostForm.ReadAsync(s3.Request, s3.Aborted).ConfigureAwait(false);
        var keyField = form.Field("key") ?? throw SigV4Verifier.MissingField("key");
        if (form.File is null)
        {
            throw new S3Exception(S3ErrorCode.IncorrectNumberOfFilesInPostRequest)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "file", ["ArgumentValue"] = "0" },
            };
        }
        var key = keyField.Replace("${filename}", form.FileName, StringComparison.Ordinal);

        var auth = verifier.AuthenticatePostForm(new PostFormSignature
        {
            Policy = form.Field("policy"),
            Algorithm = form.Field("x-amz-algorithm"),
            Credential = form.Field("x-amz-credential"),
            Date = form.Field("x-amz-date"),
            Signature = form.Field("x-amz-signature"),
            V2AccessKeyId = form.Field("AWSAccessKeyId"),
        });
        // A form without credentials is anonymous: only a bucket policy granting s3:PutObject to everyone admits it,
        // and it carries no POST policy to check.
        var policy = auth is null ? null : PostPolicy.Parse(form.Field("policy")!);
        policy?.Check(PolicyFields(form, s3.Bucket!, key), time.GetUtcNow());

        s3.Authorization = authorizer.For(s3, auth?.Principal ?? Principal.Anonymous, auth);
        var bucket = await s3.BucketAsync().ConfigureAwait(false);
        var tags = form.Field("tagging") is { } tagging
            ? ObjectTags.FromXml(S3XmlBody.Parse(Encoding.UTF8.GetBytes(tagging)))
            : new Dictionary<string, string>(StringComparer.Ordinal);
        // The form's tagging field stands for x-amz-tagging in s3:RequestObjectTag conditions.
        await s3.Authorization.RequireAsync(new AccessCheck("s3:PutObject", s3.Bucket!, key) { RequestTags = tags }).ConfigureAwait(false);
        var fields = ObjectFields(form);
        UnsupportedFeatures.CheckObjectWrite(fields);
        // The form's x-amz-server-side-encryption* fields ask what the headers of a PUT would.
        var sealing = keys.Create(Encryption.RequestedEncryption.From(fields, s3.Request.IsHttps), bucket.DefaultEncryption);
        var acl = Acl.RequestedAcl.ForObject(fields, bucket, ids);
        var (minimum, maximum) = policy?.LengthRange ?? (0, ObjectWriter.MaxObjectSize);
        await using var file = new FormFileStream(form.File, minimum, Math.Min(maximum, ObjectWriter.MaxObjectSize));
        var (retention, legalHold) = ObjectLock.ObjectLockHeaders.Read(fields);
        var version = await writer.PutFormFileAsync(s3.Bucket!, key, file, fields, tags, retention, legalHold, acl, sealing, s3.Aborted).ConfigureAwait(false);
        Encryption.EncryptionHeaders.Write(s3.Response, version.Encryption, sealing?.Customer, withContext: true);
        await RespondAsync(s3, form, key, version).ConfigureAwait(false);
    }

    /// <summary>
    /// What the policy's conditions are checked against: the form's fields, the key as it will be stored, and the
    /// bucket the form was sent to (a "bucket" field, which some SDKs add, cannot stand in for it).
    /// </summary>
    private static List<KeyValuePair<string, string>> PolicyFields(PostForm form, string bucket, string key)
    {
        var fields = form.Fields
            .Where(f => !f.Key.Equals("key", StringComparison.OrdinalIgnoreCase) && !f.Key.Equals("bucket", StringComparison.OrdinalIgnoreCase))
            .ToList();
        fields.Add(new("key", key));
        fields.Add(new("bucket", bucket));
        return fields;
    }

    /// <summary>
    /// The fields that describe the object, under the header names PutObject reads them from (Content-Type,
    /// Cache-Control, x-amz-meta-*, x-amz-storage-class, x-amz-checksum-*, …; the "acl" field as x-amz-acl), so
    /// the same parsing and the same refusals apply to both.
    /// </summary>
    private static HeaderDictionary ObjectFields(PostForm form)
    {
        var fields = new HeaderDictionary();
        foreach (var (name, value) in form.Fields)
        {
            if (ControlFields.Contains(name) || name.StartsWith("x-ignore-", StringComparison.OrdinalIgnoreCase)) continue;
            if (!fields.ContainsKey(name)) fields[name] = value;
        }
        if (form.Field("acl") is { } acl) fields["x-amz-acl"] = acl;
        return fields;
    }

    private static async Task RespondAsync(S3Request s3, PostForm form, string key, VersionRecord version)
    {
        var response = s3.Response;
        var location = ObjectUrl(s3.Request, s3.Bucket!, key);
        response.Headers.ETag = version.ETag;
        if (version.VersionId != VersionIds.Null) response.Headers["x-amz-version-id"] = version.VersionId;
        ObjectHeaders.WriteChecksumHeaders(response, version);

        var redirect = form.Field("success_action_redirect") ?? form.Field("redirect");
        if (redirect is not null && Uri.TryCreate(redirect, UriKind.Absolute, out var target) && (target.Scheme == Uri.UriSchemeHttp || target.Scheme == Uri.UriSchemeHttps))
        {
            var separator = target.Query.Length > 1 ? "&" : target.Query.Length == 1 ? "" : "?";
            response.Headers.Location = redirect + separator
                + "bucket=" + Uri.EscapeDataString(s3.Bucket!) + "&key=" + Uri.EscapeDataString(key) + "&etag=" + Uri.EscapeDataString(version.ETag);
            response.StatusCode = 303;
            return;
        }
        response.Headers.Location = location;
        switch (form.Field("success_action_status"))
        {
            case "200":
                response.StatusCode = 200;
                return;
            case "201":
                using (var xml = new S3Xml("PostResponse", withNamespace: false))
                {
                    xml.Element("Location", location).Element("Bucket", s3.Bucket).Element("Key", key).Element("ETag", version.ETag);
                    await xml.WriteToAsync(response, 201).ConfigureAwait(false);
                }
                return;
            default:
                response.StatusCode = 204;
                return;
        }
    }

    /// <summary>The object's URL as the client addressed the bucket: bucket.domain/key or host/bucket/key.</summary>
    private static string ObjectUrl(HttpRequest request, string bucket, string key)
    {
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var host = request.Host.Value ?? "";
        var virtualHosted = request.Host.Host.StartsWith(bucket + ".", StringComparison.OrdinalIgnoreCase);
        return virtualHosted ? $"{request.Scheme}://{host}/{path}" : $"{request.Scheme}://{host}/{Uri.EscapeDataString(bucket)}/{path}";
    }
}
