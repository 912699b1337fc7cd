namespace Cairn.Cli;

/// <summary>Root credentials from CAIRN_ACCESS_KEY / CAIRN_SECRET_KEY, or the development pair.</summary>
public sealed record Credentials(string AccessKey, string SecretKey, bool IsDevelopmentPair)
{
    public const string DevelopmentAccessKey = "cairnadmin";
    public const string DevelopmentSecretKey = "cairnadmin-dev-secret";

    public static Credentials FromEnvironment()
    {
        var access = Environment.GetEnvironmentVariable("CAIRN_ACCESS_KEY");
        var secret = Environment.GetEnvironmentVariable("CAIRN_SECRET_KEY");
        return string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret)
            ? new Credentials(DevelopmentAccessKey, DevelopmentSecretKey, true)
            : new Credentials(access, secret, false);
    }
}
