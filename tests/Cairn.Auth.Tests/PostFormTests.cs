namespace Cairn.Auth.Tests;

/// <summary>
/// Browser POST forms: the SigV4 signature of a base64 policy, against AWS's worked example ("Example: Browser-Based
/// Upload using HTTP POST (Using AWS Signature Version 4)": AKIAIOSFODNN7EXAMPLE, 20151229, us-east-1).
/// </summary>
public sealed class PostFormTests
{
    public const string ExamplePolicy =
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";

    public const string ExampleSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";

    private static readonly DateTimeOffset ExampleTime = new(2015, 12, 29, 10, 0, 0, TimeSpan.Zero);

    private static PostFormSignature Example => new()
    {
        Policy = ExamplePolicy,
        Algorithm = "AWS4-HMAC-SHA256",
        Credential = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request",
        Date = "20151229T000000Z",
        Signature = ExampleSignature,
    };

    [Fact]
    public void Signs_the_example_policy_as_AWS_does()
    {
        Assert.Equal(ExampleSignature, SigV4Signer.SignPostPolicy(ExamplePolicy, Http.Secret, "20151229", "us-east-1"));
    }

    [Fact]
    public void Verifies_the_example_form()
    {
        var auth = Http.Verifier(ExampleTime).AuthenticatePostForm(Example);
        Assert.NotNull(auth);
        Assert.Equal(("AKIAIOSFODNN7EXAMPLE", "us-east-1", PayloadMode.Unsigned), (auth.AccessKey, auth.Region, auth.PayloadMode));
        Assert.Equal(new DateTimeOffset(2015, 12, 29, 0, 0, 0, TimeSpan.Zero), auth.RequestTime);
    }

    [Fact]
    public void The_signature_covers_the_policy_whatever_the_request_time()
    {
        // A form is filled in long after it was signed: only the policy's expiration bounds it, not the clock skew.
        Assert.NotNull(Http.Verifier(ExampleTime.AddDays(3)).AuthenticatePostForm(Example));
    }

    [Fact]
    public void Rejects_a_changed_signature_or_policy_with_the_policy_as_string_to_sign()
    {
        var e = Http.Fails("SignatureDoesNotMatch", () => Http.Verifier(ExampleTime).AuthenticatePostForm(Example with { Signature = "0" + ExampleSignature[1..] }));
        Assert.Equal(ExamplePolicy, e.Details["StringToSign"]);
        Http.Fails("SignatureDoesNotMatch", () => Http.Verifier(ExampleTime).AuthenticatePostForm(Example with { Policy = ExamplePolicy[..^4] + "fQ==" }));
        Http.Fails("SignatureDoesNotMatch", () => Http.Verifier(ExampleTime).AuthenticatePostForm(Example with { Signature = "not hex" }));
    }

    [Fact]
    public void A_form_without_any_credentials_is_anonymous()
    {
        Assert.Null(Http.Verifier(ExampleTime).AuthenticatePostForm(new PostFormSignature()));
    }

    [Theory]
    [InlineData("policy")]
    [InlineData("x-amz-algorithm")]
    [InlineData("x-amz-credential")]
    [InlineData("x-amz-signature")]
    [InlineData("x-amz-date")]
    public void A_missing_field_is_named(string field)
    {
        var form = field switch
        {
            "policy" => Example with { Policy = null },
            "x-amz-algorithm" => Example with { Algorithm = null },
            "x-amz-credential" => Example with { Credential = null },
            "x-amz-signature" => Example with { Signature = null },
            _ => Example with { Date = null },
        };
        var e = Http.Fails("InvalidArgument", () => Http.Verifier(ExampleTime).AuthenticatePostForm(form));
        Assert.Equal($"Bucket POST must contain a field named '{field}'.  If it is specified, please check the order of the fields.", e.Message);
        Assert.Equal(field, e.Details["ArgumentName"]);
    }

    [Fact]
    public void Rejects_bad_fields_an_unknown_key_and_signature_version_2()
    {
        var verifier = Http.Verifier(ExampleTime);
        Http.Fails("InvalidArgument", () => verifier.AuthenticatePostForm(Example with { Algorithm = "AWS4-HMAC-SHA1" }));
        Http.Fails("InvalidArgument", () => verifier.AuthenticatePostForm(Example with { Credential = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3" }));
        Http.Fails("InvalidArgument", () => verifier.AuthenticatePostForm(Example with { Credential = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/ec2/aws4_request" }));
        Http.Fails("InvalidArgument", () => verifier.AuthenticatePostForm(Example with { Date = "20151230T000000Z" }));
        Http.Fails("InvalidArgument", () => verifier.AuthenticatePostForm(Example with { Date = "2015-12-29" }));
        Http.Fails("InvalidAccessKeyId", () => verifier.AuthenticatePostForm(Example with { Credential = "NOSUCHKEY/20151229/us-east-1/s3/aws4_request" }));
        Http.Fails("InvalidRequest", () => verifier.AuthenticatePostForm(new PostFormSignature { Policy = ExamplePolicy, V2AccessKeyId = "AKIAIOSFODNN7EXAMPLE", Signature = "c2ln" }));
    }
}
