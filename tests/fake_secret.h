// Fresh, random, format-valid fake secrets for tests. Every call draws new
// characters from std::random_device, so no test depends on one literal
// value and no committed file holds anything secret-shaped. GitHub classic
// and npm tokens carry the CRC32/base62 checksum of their random part, so a
// checksum-validating detector accepts them as it would a real token.
// kTokenFormats holds one entry per provider token rule of the detector.
// Header-only: the unit tests and the fake-secret CLI both include it.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace safebuild::fake {

enum class Kind {
  kGithubToken,
  kGithubFineGrainedPat,
  kNpmToken,
  kAwsAccessKeyId,
  kAwsSecretAccessKey,
  kGitlabToken,
  kSlackBotToken,
  kStripeSecretKey,
  kSendgridApiKey,
  kGoogleApiKey,
  kPypiToken,
  kDockerhubPat,
  kPassword,
};

struct KindName {
  Kind kind;
  std::string_view name;
};

/// Every kind, by the name the CLI and the case files use.
inline constexpr std::array<KindName, 13> kKinds = {{
    {Kind::kGithubToken, "GITHUB_TOKEN"},
    {Kind::kGithubFineGrainedPat, "GITHUB_FINE_GRAINED_PAT"},
    {Kind::kNpmToken, "NPM_TOKEN"},
    {Kind::kAwsAccessKeyId, "AWS_ACCESS_KEY_ID"},
    {Kind::kAwsSecretAccessKey, "AWS_SECRET_ACCESS_KEY"},
    {Kind::kGitlabToken, "GITLAB_TOKEN"},
    {Kind::kSlackBotToken, "SLACK_BOT_TOKEN"},
    {Kind::kStripeSecretKey, "STRIPE_SECRET_KEY"},
    {Kind::kSendgridApiKey, "SENDGRID_API_KEY"},
    {Kind::kGoogleApiKey, "GOOGLE_API_KEY"},
    {Kind::kPypiToken, "PYPI_TOKEN"},
    {Kind::kDockerhubPat, "DOCKERHUB_PAT"},
    {Kind::kPassword, "PASSWORD"},
}};

inline constexpr std::string_view kDigits = "0123456789";
inline constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
inline constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
inline constexpr std::string_view kUrlSafe =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
inline constexpr std::string_view kPasswordChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "!#%+-.:=@^_~";

/// `n` characters drawn uniformly from `alphabet`.
inline std::string Random(std::string_view alphabet, size_t n) {
  thread_local std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out(n, '\0');
  for (char& c : out) c = alphabet[pick(device)];
  return out;
}

/// `n` (8 to 62) different characters of base62 in random order, with at
/// least one capital, one small letter and one digit: a password as a
/// generator makes it. Plain Random() over base62 now and then draws only
/// letters, or repeats enough to look like a word, and a test that needs a
/// value any entropy gate takes for random would then fail by chance.
inline std::string Mixed(size_t n) {
  thread_local std::random_device device;
  for (;;) {
    std::string pool(kBase62);
    std::shuffle(pool.begin(), pool.end(), device);
    std::string out = pool.substr(0, n);
    auto has = [&out](int (*is)(int)) {
      for (unsigned char c : out) {
        if (is(c)) return true;
      }
      return false;
    };
    // Letters and digits interleaved as a generator's are: a class switch
    // at a third of the pairs at least, so no long run of one class reads
    // as a word ("gmdqZBALSONREPX9" switches twice in 15).
    size_t switches = 0;
    auto cls = [](unsigned char c) { return ::isupper(c) ? 0 : ::islower(c) ? 1 : 2; };
    for (size_t i = 1; i < out.size(); ++i) switches += cls(out[i]) != cls(out[i - 1]);
    if (has(::isupper) && has(::islower) && has(::isdigit) && 3 * switches >= out.size() - 1) {
      return out;
    }
  }
}

/// `n` characters of kPasswordChars, without the shapes that make a value
/// something else by design: "%2F" (percent-encoding), a pattern's ".+" or
/// ".*" tail, base64's '=' at the end.
inline std::string RandomPassword(size_t n) {
  for (;;) {
    std::string out = Random(kPasswordChars, n);
    bool encoded = false;
    for (size_t i = 0; i + 2 < out.size(); ++i) {
      encoded = encoded || (out[i] == '%' && ::isxdigit(static_cast<unsigned char>(out[i + 1])) &&
                            ::isxdigit(static_cast<unsigned char>(out[i + 2])));
    }
    const bool tail = out.ends_with(".+") || out.ends_with(".*") || out.back() == '=';
    if (!encoded && !tail) return out;
  }
}

/// `s` percent-encoded as URL userinfo: all but RFC 3986's unreserved
/// characters (a bare '#' would start the fragment, a '%' an escape).
inline std::string UrlEncoded(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 0xF]};
    }
  }
  return out;
}

/// CRC-32 (IEEE, as zlib's crc32), bit by bit: tests need no speed.
inline uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
  }
  return ~crc;
}

/// `n` in base62 (0-9A-Za-z), zero-padded to `width` digits.
inline std::string Base62(uint32_t n, size_t width) {
  std::string out;
  for (; n != 0; n /= 62) out.insert(out.begin(), kBase62[n % 62]);
  if (out.size() < width) out.insert(0, width - out.size(), '0');
  return out;
}

/// `prefix`, 30 random base62 characters and their 6-digit checksum.
inline std::string Checksummed(std::string_view prefix) {
  std::string body = Random(kBase62, 30);
  return std::string(prefix) + body + Base62(Crc32(body), 6);
}

inline std::string Make(Kind kind) {
  switch (kind) {
    case Kind::kGithubToken:
      return Checksummed("ghp_");
    case Kind::kGithubFineGrainedPat:
      return "github_pat_" + Random(kBase62, 22) + "_" + Random(kBase62, 59);
    case Kind::kNpmToken:
      return Checksummed("npm_");
    case Kind::kAwsAccessKeyId:
      return "AKIA" + Random(kBase32, 16);
    case Kind::kAwsSecretAccessKey:
      return Random(kBase64, 40);
    case Kind::kGitlabToken:
      return "glpat-" + Random(kUrlSafe, 20);
    case Kind::kSlackBotToken:
      return "xoxb-" + Random(kDigits, 12) + "-" + Random(kDigits, 13) + "-" +
             Random(kBase62, 24);
    case Kind::kStripeSecretKey:
      return "sk_live_" + Random(kBase62, 99);
    case Kind::kSendgridApiKey:
      return "SG." + Random(kUrlSafe, 22) + "." + Random(kUrlSafe, 43);
    case Kind::kGoogleApiKey:
      return "AIza" + Random(kUrlSafe, 35);
    case Kind::kPypiToken:
      return "pypi-AgEIcHlwaS5vcmc" + Random(kUrlSafe, 120);
    case Kind::kDockerhubPat:
      return "dckr_pat_" + Random(kUrlSafe, 27);
    case Kind::kPassword:
      return RandomPassword(22);
  }
  return {};
}

/// A provider token format the detector knows: its rule id, the text that
/// must stand before the token for the rule to apply (a key name, a URL), and
/// the token's shape. A shape is literal text with fields: {a36} base62,
/// {h64} lower-case hex, {H8} upper-case hex, {u43} URL-safe base64, {b86}
/// base64, {d10} digits, {l34} letters, {U24} capitals and digits, {z43}
/// lower case and digits, {B16} base32; {crc} the base62 CRC32 of the
/// random characters so far; {uuid}; and whole tokens with inner structure:
/// {age}, {grafana}, {mapbox}, {jwt}, {sas}.
struct TokenFormat {
  std::string_view rule;
  std::string_view before;
  std::string_view shape;
};

inline constexpr TokenFormat kTokenFormats[] = {
    {"github-classic-token", "", "ghp_{a30}{crc}"},
    {"github-oauth-token", "", "gho_{a30}{crc}"},
    {"github-user-token", "", "ghu_{a30}{crc}"},
    {"github-app-token", "", "ghs_{a30}{crc}"},
    {"github-refresh-token", "", "ghr_{a30}{crc}"},
    {"github-fine-grained-token", "", "github_pat_{a22}_{a59}"},
    {"gitlab-token", "", "glpat-{u20}"},
    {"gitlab-oauth-secret", "", "gloas-{h64}"},
    {"gitlab-deploy-token", "", "gldt-{u20}"},
    {"gitlab-runner-token", "", "glrt-{u20}"},
    {"gitlab-runner-registration-token", "", "GR1348941{u20}"},
    {"gitlab-ci-job-token", "", "glcbt-{u20}"},
    {"gitlab-trigger-token", "", "glptt-{h40}"},
    {"gitlab-feed-token", "", "glft-{u20}"},
    {"gitlab-incoming-mail-token", "", "glimt-{z25}"},
    {"gitlab-agent-token", "", "glagent-{u50}"},
    {"gitlab-scim-token", "", "glsoat-{u20}"},
    {"gitlab-feature-flag-token", "", "glffct-{u20}"},
    {"npm-token", "", "npm_{a30}{crc}"},
    {"pypi-token", "", "pypi-AgEIcHlwaS5vcmc{u120}"},
    {"pypi-test-token", "", "pypi-AgENdGVzdC5weXBpLm9yZw{u120}"},
    {"rubygems-api-key", "", "rubygems_{h48}"},
    {"nuget-api-key", "", "oy2{z43}"},
    {"clojars-token", "", "CLOJARS_{z60}"},
    {"packagist-token", "", "packagist_uut_{h68}"},
    {"dockerhub-pat", "", "dckr_pat_{u27}"},
    {"dockerhub-oat", "", "dckr_oat_{u32}"},
    {"jfrog-api-key", "", "AKCp{a69}"},
    {"jfrog-reference-token", "", "cmVmdGtuOjAxOj{a50}"},
    {"sonarqube-token", "", "sqp_{h40}"},
    {"aws-access-key-id", "", "AKIA{B16}"},
    {"aws-mws-key", "", "amzn.mws.{uuid}"},
    {"google-api-key", "", "AIza{u35}"},
    {"google-oauth-client-secret", "", "GOCSPX-{u28}"},
    {"google-oauth-access-token", "", "ya29.{u100}"},
    {"azure-storage-account-key",
     "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=", "{b86}=="},
    {"azure-shared-access-key",
     "Endpoint=sb://demo.servicebus.windows.net/;"
     "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=",
     "{b43}="},
    {"azure-sas-token",
     "https://demo.blob.core.windows.net/c/f?sv=2022-11-02&sp=r&sig=",
     "{sas}"},
    {"azure-ad-client-secret", "", "{u3}{d1}Q~{u34}"},
    {"alibaba-access-key-id", "", "LTAI{a20}"},
    {"digitalocean-pat", "", "dop_v1_{h64}"},
    {"digitalocean-oauth-token", "", "doo_v1_{h64}"},
    {"digitalocean-refresh-token", "", "dor_v1_{h64}"},
    {"heroku-api-key", "", "HRKU-{u60}"},
    {"cloudflare-origin-ca-key", "", "v1.0-{h24}-{h146}"},
    {"yandex-api-key", "", "AQVN{u36}"},
    {"openshift-token", "", "sha256~{u43}"},
    {"flyio-token", "FlyV1 ", "fm2_{b150}"},
    {"scalingo-api-token", "", "tk-us-{u48}"},
    {"vault-service-token", "", "hvs.{u90}"},
    {"vault-batch-token", "", "hvb.{u90}"},
    {"vault-recovery-token", "", "hvr.{u24}"},
    {"terraform-cloud-token", "", "{a14}.atlasv1.{u67}"},
    {"doppler-personal-token", "", "dp.pt.{a43}"},
    {"doppler-service-token", "", "dp.st.{a43}"},
    {"doppler-service-account-token", "", "dp.sa.{a43}"},
    {"doppler-cli-token", "", "dp.ct.{a43}"},
    {"pulumi-access-token", "", "pul-{h40}"},
    {"tailscale-key", "", "tskey-auth-{a12}-{a30}"},
    {"onepassword-service-account-token", "", "ops_eyJ{u300}"},
    {"onepassword-secret-key", "", "A3-{U6}-{U6}-{U5}-{U5}-{U5}-{U5}"},
    {"age-secret-key", "", "{age}"},
    {"infracost-api-token", "", "ico-{a32}"},
    {"harness-pat", "", "pat.{u22}.{h24}.{a20}"},
    {"bitbucket-app-password", "", "ATBB{a32}"},
    {"atlassian-api-token", "", "ATATT3xFfGF0{u170}={H8}"},
    {"buildkite-token", "", "bkua_{h40}"},
    {"circleci-pat", "", "CCIPAT_{a22}_{h40}"},
    {"sourcegraph-token", "", "sgp_{h16}_{h40}"},
    {"databricks-token", "", "dapi{h32}"},
    {"dynatrace-token", "", "dt0c01.{U24}.{U64}"},
    {"linear-api-key", "", "lin_api_{a40}"},
    {"linear-oauth-token", "", "lin_oauth_{h64}"},
    {"postman-api-key", "", "PMAK-{h24}-{h34}"},
    {"grafana-cloud-token", "", "glc_eyJ{a80}"},
    {"grafana-service-account-token", "", "glsa_{a32}_{h8}"},
    {"grafana-api-key", "", "{grafana}"},
    {"newrelic-user-api-key", "", "NRAK-{U27}"},
    {"newrelic-admin-key", "", "NRAA-{h27}"},
    {"newrelic-insights-key", "", "NRII-{u32}"},
    {"newrelic-rest-api-key", "", "NRRA-{h42}"},
    {"newrelic-license-key", "", "{h36}NRAL"},
    {"sentry-org-token", "", "sntrys_eyJ{b100}"},
    {"sentry-user-token", "", "sntryu_{h64}"},
    {"figma-pat", "", "figd_{u40}"},
    {"netlify-pat", "", "nfp_{a36}"},
    {"render-api-key", "", "rnd_{a32}"},
    {"deno-deploy-token", "", "ddp_{a36}"},
    {"contentful-pat", "", "CFPAT-{u43}"},
    {"readme-api-key", "", "rdme_{z70}"},
    {"typeform-token", "", "tfp_{a44}_{a14}"},
    {"frameio-api-token", "", "fio-u-{u64}"},
    {"adobe-client-secret", "", "p8e-{u32}"},
    {"airtable-pat", "", "pat{a14}.{h64}"},
    {"notion-token", "", "ntn_{d11}{a35}"},
    {"hubspot-pat", "", "pat-na1-{uuid}"},
    {"neon-api-key", "", "napi_{z64}"},
    {"planetscale-token", "", "pscale_tkn_{u43}"},
    {"planetscale-password", "", "pscale_pw_{u43}"},
    {"planetscale-oauth-token", "", "pscale_oauth_{u43}"},
    {"supabase-access-token", "", "sbp_{h40}"},
    {"supabase-secret-key", "", "sb_secret_{u31}"},
    {"prefect-api-key", "", "pnu_{a36}"},
    {"openai-api-key", "", "sk-proj-{u74}T3BlbkFJ{u74}"},
    {"anthropic-api-key", "", "sk-ant-api03-{u93}AA"},
    {"anthropic-admin-key", "", "sk-ant-admin01-{u93}AA"},
    {"huggingface-token", "", "hf_{l34}"},
    {"huggingface-org-token", "", "api_org_{l34}"},
    {"replicate-api-token", "", "r8_{a37}"},
    {"groq-api-key", "", "gsk_{a52}"},
    {"perplexity-api-key", "", "pplx-{a48}"},
    {"xai-api-key", "", "xai-{a80}"},
    {"langsmith-api-key", "", "lsv2_pt_{h32}_{h10}"},
    {"pinecone-api-key", "", "pcsk_{a6}_{a70}"},
    {"slack-bot-token", "", "xoxb-{d12}-{d13}-{a24}"},
    {"slack-user-token", "", "xoxp-{d11}-{d11}-{d12}-{h32}"},
    {"slack-app-token", "", "xapp-1-A{B10}-{d13}-{h64}"},
    {"slack-token", "", "xoxe.xoxp-1-{a140}"},
    {"slack-webhook", "", "https://hooks.slack.com/services/T{U8}/B{U8}/{a24}"},
    {"discord-webhook", "", "https://discord.com/api/webhooks/{d18}/{u68}"},
    {"microsoft-teams-webhook", "",
     "https://demo.webhook.office.com/webhookb2/{uuid}@{uuid}/"
     "IncomingWebhook/{h32}/{uuid}"},
    {"telegram-bot-token", "", "{d10}:AA{u33}"},
    {"twilio-api-key", "", "SK{h32}"},
    {"sendgrid-api-key", "", "SG.{u22}.{u43}"},
    {"mailgun-api-key", "", "key-{h32}"},
    {"mailchimp-api-key", "", "{h32}-us1{d1}"},
    {"brevo-api-key", "", "xkeysib-{h64}-{a16}"},
    {"brevo-smtp-key", "", "xsmtpsib-{h64}-{a16}"},
    {"firebase-cloud-messaging-key", "", "AAAA{u7}:APA91b{u134}"},
    {"twitter-bearer-token", "",
     "AAAAAAAAAAAAAAAAAAAAA{a12}%2B{a20}%3D{a40}"},
    {"facebook-access-token", "", "EAAG{a120}"},
    {"stripe-secret-key", "", "sk_live_{a99}"},
    {"stripe-restricted-key", "", "rk_live_{a99}"},
    {"stripe-webhook-secret", "", "whsec_{a32}"},
    {"square-access-token", "", "EAAA{u60}"},
    {"square-oauth-secret", "", "sq0csp-{u43}"},
    {"braintree-access-token", "", "access_token$production${z16}${h32}"},
    {"shopify-access-token", "", "shpat_{h32}"},
    {"shopify-custom-app-token", "", "shpca_{h32}"},
    {"shopify-private-app-token", "", "shppa_{h32}"},
    {"shopify-shared-secret", "", "shpss_{h32}"},
    {"plaid-access-token", "", "access-production-{uuid}"},
    {"duffel-api-token", "", "duffel_live_{u43}"},
    {"easypost-api-key", "", "EZAK{a54}"},
    {"flutterwave-secret-key", "", "FLWSECK-{h32}-X"},
    {"shippo-api-token", "", "shippo_live_{h40}"},
    {"mapbox-secret-token", "", "{mapbox}"},
    {"jwt", "", "{jwt}"},
    {"dropbox-access-token", "", "sl.{u140}"},
};

inline constexpr std::string_view kHexDigits = "0123456789abcdef";

/// Standard base64 of `in`; `url` for the URL-safe alphabet without padding.
inline std::string Base64(std::string_view in, bool url = false) {
  std::string_view digits = url ? kUrlSafe : kBase64;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += digits[(n >> 18) & 63];
    out += digits[(n >> 12) & 63];
    if (i + 1 < in.size()) out += digits[(n >> 6) & 63];
    else if (!url) out += '=';
    if (i + 2 < in.size()) out += digits[n & 63];
    else if (!url) out += '=';
  }
  return out;
}

inline std::string Uuid() {
  std::string hex = Random(kHexDigits, 32);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
         "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

/// An age secret key: Bech32 of 32 random bytes under "age-secret-key-".
inline std::string AgeKey() {
  constexpr std::string_view kCharset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  constexpr std::string_view kHrp = "age-secret-key-";
  std::string data;
  for (char c : Random(kCharset, 52)) {
    data.push_back(static_cast<char>(kCharset.find(c)));
  }
  auto polymod = [](std::string_view values) {
    constexpr uint32_t kGen[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
                                 0x3d4233dd, 0x2a1462b3};
    uint32_t chk = 1;
    for (unsigned char v : values) {
      uint32_t top = chk >> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (int i = 0; i < 5; ++i) chk ^= ((top >> i) & 1) ? kGen[i] : 0;
    }
    return chk;
  };
  std::string values;
  for (unsigned char c : kHrp) values.push_back(static_cast<char>(c >> 5));
  values.push_back(0);
  for (unsigned char c : kHrp) values.push_back(static_cast<char>(c & 31));
  values += data;
  values.append(6, '\0');
  uint32_t mod = polymod(values) ^ 1;
  std::string out = "AGE-SECRET-KEY-1";
  for (char d : data) out += static_cast<char>(std::toupper(kCharset[d]));
  for (int i = 0; i < 6; ++i) {
    out += static_cast<char>(std::toupper(kCharset[(mod >> (5 * (5 - i))) & 31]));
  }
  return out;
}

/// Expands a TokenFormat shape.
inline std::string Expand(std::string_view shape) {
  std::string out, random;
  for (size_t i = 0; i < shape.size(); ++i) {
    size_t close = shape.find('}', i);
    if (shape[i] != '{' || close == std::string_view::npos) {
      out += shape[i];
      continue;
    }
    std::string_view field = shape.substr(i + 1, close - i - 1);
    i = close;
    std::string part;
    if (field == "crc") {
      out += Base62(Crc32(random), 6);
      continue;
    } else if (field == "uuid") {
      part = Uuid();
    } else if (field == "age") {
      part = AgeKey();
    } else if (field == "grafana") {
      part = Base64("{\"k\":\"" + Random(kBase62, 32) +
                    "\",\"n\":\"ci\",\"id\":" + Random(kDigits, 6) + "}");
    } else if (field == "mapbox") {
      part = "sk." + Base64("{\"u\":\"demo\",\"a\":\"" +
                            Random(kUrlSafe, 25) + "\"}", true) +
             "." + Random(kUrlSafe, 22);
    } else if (field == "jwt") {  // signed, expiring in 2100
      part = Base64(R"({"alg":"HS256","typ":"JWT"})", true) + "." +
             Base64(R"({"sub":")" + Random(kBase62, 12) +
                        R"(","role":"service_role","exp":4102444800})",
                    true) +
             "." + Random(kUrlSafe, 43);
    } else if (field == "sas") {
      for (char c : Random(kBase64, 43)) {
        part += c == '+' ? std::string("%2B") : c == '/' ? "%2F" : std::string(1, c);
      }
      part += "%3D";
    } else {
      std::string_view alphabet;
      switch (field[0]) {
        case 'a': alphabet = kBase62; break;
        case 'h': alphabet = kHexDigits; break;
        case 'H': alphabet = "0123456789ABCDEF"; break;
        case 'u': alphabet = kUrlSafe; break;
        case 'b': alphabet = kBase64; break;
        case 'd': alphabet = kDigits; break;
        case 'l': alphabet = kBase62.substr(10); break;
        case 'U': alphabet = kBase62.substr(0, 36); break;
        case 'z': alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"; break;
        case 'B': alphabet = kBase32; break;
        default: return {};
      }
      part = Random(alphabet, std::stoul(std::string(field.substr(1))));
    }
    random += part;
    out += part;
  }
  return out;
}

/// A fresh token of `format`, without its `before` text.
inline std::string Make(const TokenFormat& format) { return Expand(format.shape); }

inline const TokenFormat* FindFormat(std::string_view rule) {
  for (const TokenFormat& f : kTokenFormats) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

inline std::optional<Kind> ParseKind(std::string_view name) {
  for (const KindName& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

}  // namespace safebuild::fake
