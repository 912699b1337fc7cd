using System.Text;
using Cairn.Core.Errors;
using Cairn.Core.Names;
using Cairn.Auth;
using Cairn.FrontDoor.Authorization;
using Cairn.FrontDoor.Buckets;
using Cairn.FrontDoor.Http;
using Cairn.FrontDoor.Lifecycle;
using Cairn.FrontDoor.Objects;
using Cairn.FrontDoor.Routing;
using Cairn.FrontDoor.Xml;
using Cairn.Index.Buckets;
using Cairn.Index.Objects;
using Cairn.Index.Records;
using Cairn.Policies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Cairn.FrontDoor.Website;

/// <summary>
/// A bucket's website endpoint (Host bucket.WEBSITE-DOMAIN): anonymous GET and HEAD served as S3 serves a static
/// website — redirect of every request, routing rules, the index document for the root and for "folder/", a 302 from
/// "folder" to "folder/", the error document with the error's status, an object's own redirect (301) — and errors as
/// HTML pages, not XML. Visitors are anonymous: only what the bucket policy lets everyone read (s3:GetObject) is served,
/// anything else is 403 AccessDenied (and a missing key too, unless everyone may s3:ListBucket), as S3's website does.
/// </summary>
public sealed class WebsiteEndpoint(FrontDoorOptions options, BucketSettings settings, ObjectCatalog objects, ObjectHandlers serving, ArchiveAccess archive,
    Authorizer authorizer)
{
    /// <summary>The bucket a request's Host names on a website domain; null when the request is for the REST API.</summary>
    public string? BucketOf(HttpRequest request)
    {
        var host = request.Host.Host;
        foreach (var domain in options.WebsiteDomains)
            if (host.Length > domain.Length + 1 && host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
                return host[..^(domain.Length + 1)];
        return null;
    }

    public async Task HandleAsync(HttpContext http, string bucket)
    {
        var path = S3Router.DecodedPath(http.Request);
        var s3 = new S3Request(http, S3Operation.GetObject, bucket, path.Length > 1 ? path[1..] : null);
        try
        {
            await ServeAsync(s3).ConfigureAwait(false);
        }
        catch (WebsiteError e)
        {
            await ErrorRenderer.WriteHtmlAsync(http, e.Error, e.ErrorDocumentError).ConfigureAwait(false);
        }
        catch (S3Exception e)
        {
            await ErrorRenderer.WriteHtmlAsync(http, e).ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(S3Request s3)
    {
        var headOnly = HttpMethods.IsHead(s3.Request.Method);
        if (!headOnly && !HttpMethods.IsGet(s3.Request.Method))
            throw new S3Exception(S3ErrorCode.MethodNotAllowed)
            {
                Details = new Dictionary<string, string> { ["Method"] = s3.Request.Method, ["ResourceType"] = "OBJECT" },
            };
        var bucket = s3.Bucket!;
        var (record, document) = BucketName.IsValid(bucket)
            ? await settings.GetAsync(bucket, BucketSetting.Website.Name, s3.Aborted).ConfigureAwait(false)
            : (null, null);
        if (record is null) throw BucketCatalog.NoSuchBucket(bucket);
        if (document is null)
            throw new S3Exception(S3ErrorCode.NoSuchWebsiteConfiguration) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
        var site = WebsiteConfiguration.Parse(S3XmlBody.Parse(Encoding.UTF8.GetBytes(document)));
        var visitor = authorizer.For(s3, Principal.Anonymous, null);

        if (site.RedirectAllRequestsTo is { } all)
        {
            Redirect(s3, 301, $"{all.Protocol ?? s3.Request.Scheme}://{all.HostName}{s3.Request.GetEncodedPathAndQuery()}");
            return;
        }
        var key = s3.Key ?? "";
        if (site.RoutingRules.FirstOrDefault(rule => rule.Applies(key, errorStatus: null)) is { } early)
        {
            Redirect(s3, early, key);
            return;
        }
        var suffix = site.IndexSuffix!;
        var (version, error) = await LoadAsync(visitor, bucket, key.Length == 0 || key.EndsWith('/') ? key + suffix : key, s3.Aborted).ConfigureAwait(false);
        if (version is not null)
        {
            await ServeVersionAsync(s3, version, headOnly, 200).ConfigureAwait(false);
            return;
        }
        // A "folder" asked for without its slash: S3 sends the browser to the slash, so relative links resolve under it.
        if (error!.Code.Code == S3ErrorCode.NoSuchKey.Code && key.Length > 0 && !key.EndsWith('/')
            && (await LoadAsync(visitor, bucket, key + "/" + suffix, s3.Aborted).ConfigureAwait(false)).Version is not null)
        {
            Redirect(s3, 302, "/" + EscapePath(key) + "/");
            return;
        }
        if (site.RoutingRules.FirstOrDefault(rule => rule.Applies(key, error.Code.Status)) is { } late)
        {
            Redirect(s3, late, key);
            return;
        }
        if (site.ErrorKey is not { } errorKey) throw error;
        var (page, pageError) = await LoadAsync(visitor, bucket, errorKey, s3.Aborted).ConfigureAwait(false);
        if (page is null) throw new WebsiteError(error, pageError);
        await ServeVersionAsync(s3, page, headOnly, error.Code.Status).ConfigureAwait(false);
    }

    /// <summary>An object's own redirect (x-amz-website-redirect-location) wins over its bytes: 301.</summary>
    private Task ServeVersionAsync(S3Request s3, VersionRecord version, bool headOnly, int status)
    {
        if (version.Headers.TryGetValue(ObjectHeaders.WebsiteRedirectLocation, out var location))
        {
            Redirect(s3, 301, location);
            return Task.CompletedTask;
        }
        return serving.ServeAsync(s3, version, headOnly, lifecycle: null, restApi: false, status);
    }

    /// <summary>The current version of a key the website may serve, or the error S3 answers for it (no key, a delete marker, an archived object).</summary>
    private async Task<(VersionRecord? Version, S3Exception? Error)> LoadAsync(RequestAuthorization visitor, string bucket, string key,
        CancellationToken cancellationToken)
    {
        if (!await visitor.IsAllowedAsync("s3:GetObject", S3ResourceScope.Object, bucket, key).ConfigureAwait(false))
            return (null, new S3Exception(S3ErrorCode.AccessDenied));
        try
        {
            var version = await objects.LoadReadableAsync(bucket, ObjectKey.Parse(key).Value, null, cancellationToken).ConfigureAwait(false);
            archive.RequireReadable(version);
            return (version, null);
        }
        catch (S3Exception e) when (e.Code.Status is >= 400 and < 500)
        {
            // Without s3:ListBucket a caller may not learn whether a key exists: S3 answers 403 for a missing one.
            if (e.Code == S3ErrorCode.NoSuchKey && !await visitor.MayLearnAbsenceAsync(bucket).ConfigureAwait(false))
                return (null, new S3Exception(S3ErrorCode.AccessDenied));
            // A website names the key it missed, never a version or a delete marker.
            return (null, new S3Exception(e.Code, e.Message) { Details = new Dictionary<string, string> { ["Key"] = key } });
        }
    }

    private static void Redirect(S3Request s3, RoutingRule rule, string key)
    {
        var redirect = rule.Redirect;
        var target = redirect.ReplaceKeyWith
            ?? (redirect.ReplaceKeyPrefixWith is { } prefix ? prefix + key[(rule.Condition?.KeyPrefixEquals?.Length ?? 0)..] : key);
        var status = int.Parse(redirect.HttpRedirectCode ?? "301", System.Globalization.CultureInfo.InvariantCulture);
        Redirect(s3, status, $"{redirect.Protocol ?? s3.Request.Scheme}://{redirect.HostName ?? s3.Request.Host.Value}/{EscapePath(target)}");
    }

    private static void Redirect(S3Request s3, int status, string location)
    {
        s3.Response.StatusCode = status;
        s3.Response.Headers.Location = location;
        s3.Response.ContentLength = 0;
    }

    private static string EscapePath(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    /// <summary>An error whose custom error document could not be served either: S3's page names both.</summary>
    private sealed class WebsiteError(S3Exception error, S3Exception? errorDocumentError) : Exception(error.Message)
    {
        public S3Exception Error { get; } = error;
        public S3Exception? ErrorDocumentError { get; } = errorDocumentError;
    }
}
