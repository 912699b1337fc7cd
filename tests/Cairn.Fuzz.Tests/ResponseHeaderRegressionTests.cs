using System.Net;
using System.Text;
using Cairn.Testing;

namespace Cairn.Fuzz.Tests;

/// <summary>
/// What the HTTP fuzzer found: header values the server stored or echoed but Kestrel cannot write into a response
/// (control characters, characters beyond what a header carries), which made GETs answer 500.
/// </summary>
public sealed class ResponseHeaderRegressionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_response_override_with_a_control_character_is_InvalidArgument()
    {
        var (http, bucket) = await ObjectAsync();
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/obj?response-content-type=text%0Fhtml");
        // The error echoes the value as &#xF;, which XDocument refuses: read the code as text.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidArgument</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_response_override_beyond_latin1_is_InvalidArgument()
    {
        var (http, bucket) = await ObjectAsync();
        using var response = await http.SendAsync(HttpMethod.Get, $"/{bucket}/obj?response-content-disposition=attachment%3B%20filename%3D%22%E2%80%99.txt%22");
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(response));
    }

    [Fact]
    public async Task A_stored_non_ascii_header_is_served_back()
    {
        // A form field carries UTF-8 (a header would too, but HttpClient sends only ASCII).
        var (http, bucket) = await ObjectAsync();
        var fields = PostForms.Signed(bucket, [new("key", "form-utf8"), new("Content-Disposition", "attachment; filename=\"é.txt\"")]);
        using var post = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Post, http.Url("/" + bucket))
        {
            Content = PostForms.Content(fields, Encoding.UTF8.GetBytes("x")),
        });
        Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/form-utf8");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task A_form_field_with_a_line_break_is_refused_before_it_is_stored()
    {
        var (http, bucket) = await ObjectAsync();
        var fields = PostForms.Signed(bucket, [new("key", "form-crlf"), new("Content-Disposition", "inline\r\nSet-Cookie: a=b")]);
        using var post = await http.SendUnsignedAsync(new HttpRequestMessage(HttpMethod.Post, http.Url("/" + bucket))
        {
            Content = PostForms.Content(fields, Encoding.UTF8.GetBytes("x")),
        });
        Assert.Equal((400, "InvalidArgument"), await SignedHttp.ErrorOf(post));
        using var get = await http.SendAsync(HttpMethod.Get, $"/{bucket}/form-crlf");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    private async Task<(SignedHttp Http, string Bucket)> ObjectAsync()
    {
        var bucket = await fixture.NewBucketAsync("hdr");
        var http = new SignedHttp(fixture.Server);
        (await http.SendAsync(HttpMethod.Put, $"/{bucket}/obj", SignedHttp.Bytes("hello"u8.ToArray()))).EnsureSuccessStatusCode();
        return (http, bucket);
    }
}
