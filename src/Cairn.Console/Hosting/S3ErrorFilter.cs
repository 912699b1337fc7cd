using Amazon.Runtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.DependencyInjection;

namespace Cairn.WebConsole.Hosting;

/// <summary>
/// Shows an S3 error where the person is: after a form post, back on the page it came from with the error as a
/// message (e.g. BucketNotEmpty); on a page load, a page that names S3's error code, with S3's status.
/// </summary>
public sealed class S3ErrorFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next().ConfigureAwait(false);
        if (executed.Exception is not AmazonServiceException error || executed.ExceptionHandled) return;
        executed.ExceptionHandled = true;
        var http = context.HttpContext;
        var text = $"{error.ErrorCode}: {error.Message}";
        if (HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.StatusCode = (int)error.StatusCode;
            executed.Result = new PartialViewResult
            {
                ViewName = "_Problem",
                ViewData = new ViewDataDictionary<string>(context.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Mvc.ModelBinding.IModelMetadataProvider>(),
                    new Microsoft.AspNetCore.Mvc.ModelBinding.ModelStateDictionary()) { Model = text },
            };
            return;
        }
        var tempData = http.RequestServices.GetRequiredService<ITempDataDictionaryFactory>().GetTempData(http);
        tempData[Messages.Error] = text;
        executed.Result = new RedirectResult(Messages.BackTo(http.Request));
    }
}

/// <summary>The one-shot messages a page shows after a form post (kept in TempData across the redirect).</summary>
public static class Messages
{
    public const string Error = "console-error";
    public const string Done = "console-done";

    /// <summary>The page a form was posted from: the same path and query, without the handler selector.</summary>
    public static string BackTo(HttpRequest request)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.QueryString.Value);
        query.Remove("handler");
        return request.PathBase + request.Path + QueryString.Create(query.SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v))));
    }
}
