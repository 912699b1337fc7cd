namespace Cairn.FrontDoor.AccessLogging;

/// <summary>
/// A negotiated cipher suite as S3's access log names it: OpenSSL's name (ECDHE-RSA-AES128-GCM-SHA256), where .NET gives
/// the IANA one (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256). TLS 1.3's suites have one name in both. A suite outside the
/// table keeps its IANA name: still a suite, only not spelled as S3 would.
/// </summary>
public static class TlsCipherSuites
{
    private static readonly Dictionary<string, string> OpenSsl = new(StringComparer.Ordinal)
    {
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-RSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-RSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-ECDSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-ECDSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-RSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-ECDSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"] = "ECDHE-RSA-AES128-SHA256",
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"] = "ECDHE-RSA-AES256-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] = "ECDHE-RSA-AES128-SHA",
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"] = "ECDHE-RSA-AES256-SHA",
    };

    public static string? OpenSslName(string? iana) => iana is null ? null : OpenSsl.GetValueOrDefault(iana, iana);
}
