using Cairn.Core.Errors;
using Cairn.FrontDoor.Forms;
using Cairn.Testing;
using static Cairn.Testing.PostForms;

namespace Cairn.FrontDoor.Tests;

/// <summary>The policy document's rules, against AWS's worked example of a browser upload form (SigV4, 20151229).</summary>
public sealed class PostPolicyTests
{
    private const string ExamplePolicy =
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";

    private static readonly DateTimeOffset Signed = new(2015, 12, 29, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The example form's fields as the policy sees them: ${filename} replaced, the bucket added.</summary>
    private static List<KeyValuePair<string, string>> ExampleFields() =>
    [
        F("key", "user/user1/MyPhoto.jpg"), F("acl", "public-read"),
        F("success_action_redirect", "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"),
        F("Content-Type", "image/jpeg"), F("x-amz-meta-uuid", "14365123651274"), F("x-amz-server-side-encryption", "AES256"),
        F("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"), F("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        F("X-Amz-Date", "20151229T000000Z"), F("x-amz-meta-tag", ""), F("Policy", ExamplePolicy),
        F("X-Amz-Signature", "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"), F("bucket", "sigv4examplebucket"),
    ];

    private static S3Exception Fails(string code, Action action)
    {
        var e = Assert.Throws<S3Exception>(action);
        Assert.Equal(code, e.Code.Code);
        return e;
    }

    [Fact]
    public void The_example_form_meets_the_example_policy_until_it_expires()
    {
        var policy = PostPolicy.Parse(ExamplePolicy);
        Assert.Equal(new DateTimeOffset(2015, 12, 30, 12, 0, 0, TimeSpan.Zero), policy.Expiration);
        Assert.Null(policy.LengthRange);
        policy.Check(ExampleFields(), Signed.AddHours(1));
        policy.Check(ExampleFields(), policy.Expiration);
        var e = Fails("AccessDenied", () => policy.Check(ExampleFields(), policy.Expiration.AddMilliseconds(1)));
        Assert.Equal("Invalid according to Policy: Policy expired.", e.Message);
    }

    [Theory]
    [InlineData("acl", "private", "[\"eq\", \"$acl\", \"public-read\"]")]
    [InlineData("key", "user/user2/MyPhoto.jpg", "[\"starts-with\", \"$key\", \"user/user1/\"]")]
    [InlineData("Content-Type", "text/html", "[\"starts-with\", \"$Content-Type\", \"image/\"]")]
    [InlineData("bucket", "otherbucket", "[\"eq\", \"$bucket\", \"sigv4examplebucket\"]")]
    [InlineData("x-amz-meta-uuid", "14365123651275", "[\"eq\", \"$x-amz-meta-uuid\", \"14365123651274\"]")]
    public void A_field_that_breaks_its_condition_is_named_in_the_error(string field, string value, string condition)
    {
        var fields = ExampleFields();
        var i = fields.FindIndex(f => f.Key == field);
        fields[i] = F(field, value);
        var e = Fails("AccessDenied", () => PostPolicy.Parse(ExamplePolicy).Check(fields, Signed));
        Assert.Equal("Invalid according to Policy: Policy Condition failed: " + condition, e.Message);
    }

    [Fact]
    public void A_field_the_form_lacks_is_empty_for_its_condition()
    {
        // ["starts-with", "$x-amz-meta-tag", ""] holds for a form without the field; {"acl": "public-read"} does not.
        var withoutTag = ExampleFields().Where(f => f.Key != "x-amz-meta-tag").ToList();
        PostPolicy.Parse(ExamplePolicy).Check(withoutTag, Signed);
        var withoutAcl = ExampleFields().Where(f => f.Key != "acl").ToList();
        Fails("AccessDenied", () => PostPolicy.Parse(ExamplePolicy).Check(withoutAcl, Signed));
    }

    [Fact]
    public void Fields_no_condition_names_are_listed_but_the_signature_policy_and_x_ignore_ones_need_none()
    {
        var fields = ExampleFields();
        fields.Add(F("x-ignore-submit", "Upload"));
        PostPolicy.Parse(ExamplePolicy).Check(fields, Signed);
        fields.Add(F("x-amz-meta-extra", "1"));
        fields.Add(F("Cache-Control", "no-cache"));
        var e = Fails("AccessDenied", () => PostPolicy.Parse(ExamplePolicy).Check(fields, Signed));
        Assert.Equal("Invalid according to Policy: Extra input fields: x-amz-meta-extra, Cache-Control", e.Message);
    }

    [Fact]
    public void Several_content_length_ranges_all_hold()
    {
        var policy = PostPolicy.Parse(Base64(
            "{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"content-length-range\", 10, 1000], [\"content-length-range\", \"5\", \"500\"]]}"));
        Assert.Equal((10L, 500L), policy.LengthRange);
    }

    [Theory]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"eq\", \"key\", \"a\"]]}")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"eq\", \"$key\"]]}")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [{\"key\": \"a\", \"acl\": \"private\"}]}")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": [[\"content-length-range\", 10, 5]]}")]
    [InlineData("{\"expiration\": \"2099-01-01T00:00:00Z\", \"conditions\": {\"key\": \"a\"}}")]
    [InlineData("{\"expiration\": 4102444800, \"conditions\": []}")]
    [InlineData("[]")]
    public void Documents_S3_would_not_accept_are_InvalidPolicyDocument(string json)
    {
        Fails("InvalidPolicyDocument", () => PostPolicy.Parse(Base64(json)));
    }

    [Fact]
    public void A_policy_that_is_not_base64_is_InvalidPolicyDocument()
    {
        Fails("InvalidPolicyDocument", () => PostPolicy.Parse("not base64!"));
    }
}
