#include "report/rule_catalog.h"

#include <algorithm>

namespace safebuild {
namespace {

using S = Severity;

// Sorted by id; FindLintRule relies on it.
constexpr RuleInfo kRules[] = {
    {"auth-header", S::kHigh, "credential in an HTTP header of a download",
     "RUN and ADD lines are stored in the image history, so a header value "
     "such as \"Authorization: Bearer …\" can be read by anyone who pulls "
     "the image",
     "pass the credential with --secret and read it from /run/secrets in "
     "the RUN step"},
    {"build-arg-secret", S::kHigh, "--build-arg carries a secret",
     "podman records every --build-arg value in the image history",
     "pass the value with --secret id=NAME,env=VAR or src=FILE instead"},
    {"context-credential-file", S::kHigh,
     "credential file in the build context is copied into the image",
     "COPY . or ADD . sends every context file not excluded by the ignore "
     "file into a layer, where it stays even if a later step deletes it; "
     "a .npmrc or .env whose secret-named keys all read variables is low",
     "add the file to .containerignore and mount it with RUN "
     "--mount=type=secret where it is needed"},
    {"context-too-large", S::kInfo, "build context only partly checked",
     "the context holds more entries than safebuild looks at, so credential "
     "files beyond the limit were not checked",
     "keep the build context small with .containerignore"},
    {"copy-credential-file", S::kHigh, "COPY or ADD of a credential file",
     "a copied file stays in its layer even when a later step deletes it; "
     "a .npmrc or .env whose secret-named keys all read variables "
     "(${NPM_TOKEN}) holds no secret and is reported low",
     "mount the file with RUN --mount=type=secret for the step that needs "
     "it"},
    {"doubled-escape-at-line-end", S::kMedium,
     "line ends in two escapes and continues",
     "podman takes the last escape as a line continuation and joins the next "
     "line to the instruction; BuildKit keeps the escaped escape and starts a "
     "new instruction, so the two build different things",
     "end a continued line with a single escape; keep a literal escape away "
     "from the end of the line"},
    {"download-credentials-from-variable", S::kLow,
     "download credential taken from a build variable",
     "ARG and ENV values are stored in the image config or history, so a "
     "credential passed through them leaks",
     "pass the credential with --secret and read it from /run/secrets"},
    {"escape-ignored-by-podman", S::kMedium,
     "escape directive that podman ignores",
     "podman honours \"# escape=\" only as the first line; BuildKit also "
     "after \"# syntax=\", so the two read the file differently",
     "put \"# escape=\" on the first line of the file"},
    {"heredoc-unsupported", S::kMedium, "heredoc that podman 4.3 cannot run",
     "podman 4.3 (buildah 1.28) has no heredocs: it reads the body lines as "
     "instructions and the build fails or does something else",
     "COPY a script file and run it, or use a podman with heredoc support"},
    {"instruction-before-from", S::kMedium, "instruction before the first FROM",
     "BuildKit refuses the file; podman builds the instructions as a stage of "
     "their own that the image does not keep, so an ENV or LABEL there is lost",
     "move the instruction below FROM (only ARG belongs above it)"},
    {"placeholder-secret-value", S::kLow,
     "secret-named variable with a placeholder value",
     "a placeholder is harmless, but it invites a real value in the same "
     "place later",
     "leave the value out and pass the secret at run time or with "
     "--secret"},
    {"run-writes-credentials", S::kMedium, "RUN writes credentials into a layer",
     "files such as ~/.npmrc, ~/.docker/config.json or a git credential "
     "store written by RUN stay in the layer",
     "use RUN --mount=type=secret so that the credential never lands in a "
     "layer"},
    {"secret-arg", S::kLow, "ARG that names a secret",
     "an ARG value is recorded in the history of every RUN step after it, "
     "even the ones that do not use it",
     "use --secret and RUN --mount=type=secret instead of ARG"},
    {"secret-in-arg-default", S::kHigh, "secret as an ARG default",
     "the default is part of the Containerfile and of the image history",
     "remove the default; pass the secret with --secret"},
    {"secret-in-cmd", S::kHigh, "secret in CMD or ENTRYPOINT",
     "CMD and ENTRYPOINT are stored in the image config",
     "read the value at run time from an environment variable or a mounted "
     "secret"},
    {"secret-in-env", S::kHigh, "secret as an ENV value",
     "ENV values are stored in the image config and visible to anyone who "
     "inspects the image",
     "pass the value at run time (podman run --env or --secret)"},
    {"secret-in-final-stage", S::kMedium,
     "secret ARG used in the stage that becomes the image",
     "podman records the ARG value in the history of every RUN that "
     "follows it, and the final stage's history ships with the image; a "
     "builder stage's history stays behind",
     "move the steps that use the secret into a builder stage and COPY "
     "--from it only the artifacts (better still, use --secret)"},
    {"secret-in-instruction", S::kHigh, "secret in an instruction",
     "the instruction text is recorded in the image history",
     "remove the secret from the Containerfile"},
    {"secret-in-label", S::kHigh, "secret in a LABEL",
     "labels are stored in the image config",
     "remove the secret from the label"},
    {"secret-in-run", S::kHigh, "secret in a RUN line",
     "every RUN command line is recorded in the image history",
     "use RUN --mount=type=secret,id=ID and read the value from "
     "/run/secrets/ID"},
    {"secret-mount-copied", S::kHigh, "mounted secret copied into the image",
     "copying /run/secrets/… to another path (cp, cat, tee, dd, base64, "
     "head, sed, $(cat …) into a file) writes the secret into the layer that "
     "the mount was meant to keep it out of; a count, checksum or test of it "
     "(wc, sha256sum, grep -c, test -s) is no copy",
     "read the secret from /run/secrets in the step that needs it; do not "
     "copy it"},
    {"secret-name-in-env", S::kLow, "ENV that names a secret",
     "a variable named like a secret in ENV will carry the secret in the "
     "image config once someone sets it",
     "pass the value at run time (podman run --env or --secret)"},
    {"url-credentials", S::kHigh, "credentials in a URL",
     "user:password@ in a URL of a RUN or ADD line is recorded in the image "
     "history",
     "pass the credential with --secret, for example in a .netrc mounted "
     "with RUN --mount=type=secret"},
};

// What the detector finds, in image layers and Containerfiles alike. One
// reason and one remedy per kind of secret; the title names the format.
constexpr std::string_view kTokenWhy =
    "anyone who can pull the image can read the token and act as its owner "
    "until it is revoked, even when a later layer deletes the file";
constexpr std::string_view kTokenFix =
    "revoke the token at its provider, then pass the new one at build time "
    "with --secret and RUN --mount=type=secret";
constexpr std::string_view kKeyWhy =
    "a private key in a layer can be copied by anyone who can pull the "
    "image, and it stays in the layer even when a later step deletes it";
constexpr std::string_view kKeyFix =
    "replace the key pair, then mount the key with RUN --mount=type=secret "
    "in the step that needs it";
constexpr std::string_view kPasswordWhy =
    "a password stored in a layer, the image config or the history can be "
    "read by anyone who can pull the image";
constexpr std::string_view kPasswordFix =
    "change the password, then pass it at build time with --secret or at "
    "run time from the environment";

// Sorted by id; FindDetectorRule relies on it.
constexpr RuleInfo kDetectorRules[] = {
    {"adobe-client-secret", S::kCritical, "Adobe client secret", kTokenWhy, kTokenFix},
    {"age-secret-key", S::kCritical, "age secret key", kTokenWhy, kTokenFix},
    {"airtable-pat", S::kCritical, "Airtable personal access token", kTokenWhy, kTokenFix},
    {"alibaba-access-key-id", S::kHigh, "Alibaba Cloud access key ID", kTokenWhy, kTokenFix},
    {"anthropic-admin-key", S::kCritical, "Anthropic admin API key", kTokenWhy, kTokenFix},
    {"anthropic-api-key", S::kCritical, "Anthropic API key", kTokenWhy, kTokenFix},
    {"atlassian-api-token", S::kCritical, "Atlassian API token", kTokenWhy, kTokenFix},
    {"aws-access-key-id", S::kCritical, "AWS access key ID", kTokenWhy, kTokenFix},
    {"aws-mws-key", S::kCritical, "Amazon MWS auth token", kTokenWhy, kTokenFix},
    {"aws-secret-access-key", S::kCritical, "AWS secret access key", kTokenWhy, kTokenFix},
    {"azure-ad-client-secret", S::kCritical, "Microsoft Entra ID client secret",
     kTokenWhy, kTokenFix},
    {"azure-sas-token", S::kHigh, "Azure shared access signature", kTokenWhy, kTokenFix},
    {"azure-shared-access-key", S::kCritical,
     "Azure Service Bus, Event Hubs or IoT Hub shared access key",
     kTokenWhy, kTokenFix},
    {"azure-storage-account-key", S::kCritical, "Azure storage account key", kTokenWhy, kTokenFix},
    {"basic-auth-header", S::kHigh, "HTTP Basic credentials (Authorization header)",
     kPasswordWhy, kPasswordFix},
    {"bearer-token", S::kHigh, "bearer token (Authorization header)", kTokenWhy, kTokenFix},
    {"bitbucket-app-password", S::kCritical, "Bitbucket app password", kTokenWhy, kTokenFix},
    {"braintree-access-token", S::kCritical, "Braintree access token", kTokenWhy, kTokenFix},
    {"brevo-api-key", S::kCritical, "Brevo (Sendinblue) API key", kTokenWhy, kTokenFix},
    {"brevo-smtp-key", S::kCritical, "Brevo (Sendinblue) SMTP key", kTokenWhy, kTokenFix},
    {"buildkite-token", S::kCritical, "Buildkite API token", kTokenWhy, kTokenFix},
    {"circleci-pat", S::kCritical, "CircleCI personal API token", kTokenWhy, kTokenFix},
    {"clojars-token", S::kCritical, "Clojars deploy token", kTokenWhy, kTokenFix},
    {"cloudflare-origin-ca-key", S::kCritical, "Cloudflare Origin CA key", kTokenWhy, kTokenFix},
    {"connection-string-password", S::kHigh, "password in a connection string",
     kPasswordWhy, kPasswordFix},
    {"contentful-pat", S::kCritical, "Contentful personal access token", kTokenWhy, kTokenFix},
    {"databricks-token", S::kCritical, "Databricks access token", kTokenWhy, kTokenFix},
    {"deno-deploy-token", S::kCritical, "Deno Deploy access token", kTokenWhy, kTokenFix},
    {"digitalocean-oauth-token", S::kCritical, "DigitalOcean OAuth token", kTokenWhy, kTokenFix},
    {"digitalocean-pat", S::kCritical, "DigitalOcean personal access token", kTokenWhy, kTokenFix},
    {"digitalocean-refresh-token", S::kCritical, "DigitalOcean refresh token",
     kTokenWhy, kTokenFix},
    {"discord-webhook", S::kHigh, "Discord webhook URL", kTokenWhy, kTokenFix},
    {"docker-config-auth", S::kCritical, "registry credential (Docker config)",
     kPasswordWhy, kPasswordFix},
    {"dockerhub-oat", S::kCritical, "Docker Hub organization access token", kTokenWhy, kTokenFix},
    {"dockerhub-pat", S::kCritical, "Docker Hub personal access token", kTokenWhy, kTokenFix},
    {"doppler-cli-token", S::kCritical, "Doppler CLI token", kTokenWhy, kTokenFix},
    {"doppler-personal-token", S::kCritical, "Doppler personal token", kTokenWhy, kTokenFix},
    {"doppler-service-account-token", S::kCritical, "Doppler service account token",
     kTokenWhy, kTokenFix},
    {"doppler-service-token", S::kCritical, "Doppler service token", kTokenWhy, kTokenFix},
    {"dropbox-access-token", S::kCritical, "Dropbox access token", kTokenWhy, kTokenFix},
    {"duffel-api-token", S::kCritical, "Duffel live API token", kTokenWhy, kTokenFix},
    {"dynatrace-token", S::kCritical, "Dynatrace API token", kTokenWhy, kTokenFix},
    {"easypost-api-key", S::kCritical, "EasyPost production API key", kTokenWhy, kTokenFix},
    {"facebook-access-token", S::kCritical, "Facebook access token", kTokenWhy, kTokenFix},
    {"figma-pat", S::kCritical, "Figma personal access token", kTokenWhy, kTokenFix},
    {"firebase-cloud-messaging-key", S::kCritical, "Firebase Cloud Messaging server key",
     kTokenWhy, kTokenFix},
    {"flutterwave-secret-key", S::kCritical, "Flutterwave secret key", kTokenWhy, kTokenFix},
    {"flyio-token", S::kCritical, "Fly.io access token", kTokenWhy, kTokenFix},
    {"frameio-api-token", S::kCritical, "Frame.io API token", kTokenWhy, kTokenFix},
    {"generic-secret-assignment", S::kHigh, "secret-looking value assigned to a secret-named key",
     kPasswordWhy, kPasswordFix},
    {"github-app-token", S::kCritical, "GitHub App installation token", kTokenWhy, kTokenFix},
    {"github-classic-token", S::kCritical, "GitHub personal access token (classic)",
     kTokenWhy, kTokenFix},
    {"github-fine-grained-token", S::kCritical, "GitHub fine-grained personal access token",
     kTokenWhy, kTokenFix},
    {"github-oauth-token", S::kCritical, "GitHub OAuth access token", kTokenWhy, kTokenFix},
    {"github-refresh-token", S::kCritical, "GitHub refresh token", kTokenWhy, kTokenFix},
    {"github-user-token", S::kCritical, "GitHub user-to-server token", kTokenWhy, kTokenFix},
    {"gitlab-agent-token", S::kCritical, "GitLab agent for Kubernetes token", kTokenWhy, kTokenFix},
    {"gitlab-ci-job-token", S::kCritical, "GitLab CI/CD job token", kTokenWhy, kTokenFix},
    {"gitlab-deploy-token", S::kCritical, "GitLab deploy token", kTokenWhy, kTokenFix},
    {"gitlab-feature-flag-token", S::kCritical, "GitLab feature flags client token",
     kTokenWhy, kTokenFix},
    {"gitlab-feed-token", S::kCritical, "GitLab feed token", kTokenWhy, kTokenFix},
    {"gitlab-incoming-mail-token", S::kCritical, "GitLab incoming mail token",
     kTokenWhy, kTokenFix},
    {"gitlab-oauth-secret", S::kCritical, "GitLab OAuth application secret", kTokenWhy, kTokenFix},
    {"gitlab-runner-registration-token", S::kCritical, "GitLab runner registration token",
     kTokenWhy, kTokenFix},
    {"gitlab-runner-token", S::kCritical, "GitLab runner authentication token",
     kTokenWhy, kTokenFix},
    {"gitlab-scim-token", S::kCritical, "GitLab SCIM token", kTokenWhy, kTokenFix},
    {"gitlab-token", S::kCritical, "GitLab personal access token", kTokenWhy, kTokenFix},
    {"gitlab-trigger-token", S::kCritical, "GitLab pipeline trigger token", kTokenWhy, kTokenFix},
    {"google-api-key", S::kHigh, "Google API key", kTokenWhy, kTokenFix},
    {"google-oauth-access-token", S::kHigh, "Google OAuth access token", kTokenWhy, kTokenFix},
    {"google-oauth-client-secret", S::kCritical, "Google OAuth client secret",
     kTokenWhy, kTokenFix},
    {"grafana-api-key", S::kCritical, "Grafana API key", kTokenWhy, kTokenFix},
    {"grafana-cloud-token", S::kCritical, "Grafana Cloud access policy token",
     kTokenWhy, kTokenFix},
    {"grafana-service-account-token", S::kCritical, "Grafana service account token",
     kTokenWhy, kTokenFix},
    {"groq-api-key", S::kCritical, "Groq API key", kTokenWhy, kTokenFix},
    {"harness-pat", S::kCritical, "Harness personal access token", kTokenWhy, kTokenFix},
    {"heroku-api-key", S::kCritical, "Heroku API key", kTokenWhy, kTokenFix},
    {"hubspot-pat", S::kCritical, "HubSpot private app token", kTokenWhy, kTokenFix},
    {"huggingface-org-token", S::kCritical, "Hugging Face organization token",
     kTokenWhy, kTokenFix},
    {"huggingface-token", S::kCritical, "Hugging Face access token", kTokenWhy, kTokenFix},
    {"infracost-api-token", S::kCritical, "Infracost API token", kTokenWhy, kTokenFix},
    {"jfrog-api-key", S::kCritical, "JFrog Artifactory API key", kTokenWhy, kTokenFix},
    {"jfrog-reference-token", S::kCritical, "JFrog reference token", kTokenWhy, kTokenFix},
    {"jwt", S::kHigh, "JSON Web Token", kTokenWhy, kTokenFix},
    {"kaggle-api-key", S::kHigh, "Kaggle API key (kaggle.json)", kTokenWhy, kTokenFix},
    {"kubeconfig-client-key", S::kCritical, "private key (kubeconfig client-key-data)",
     kKeyWhy, kKeyFix},
    {"kubernetes-dockerconfig", S::kCritical,
     "registry credential (base64 Docker config of a Kubernetes secret)", kPasswordWhy,
     kPasswordFix},
    {"langsmith-api-key", S::kCritical, "LangSmith API key", kTokenWhy, kTokenFix},
    {"linear-api-key", S::kCritical, "Linear API key", kTokenWhy, kTokenFix},
    {"linear-oauth-token", S::kCritical, "Linear OAuth token", kTokenWhy, kTokenFix},
    {"mailchimp-api-key", S::kCritical, "Mailchimp API key", kTokenWhy, kTokenFix},
    {"mailgun-api-key", S::kCritical, "Mailgun API key", kTokenWhy, kTokenFix},
    {"mapbox-secret-token", S::kCritical, "Mapbox secret access token", kTokenWhy, kTokenFix},
    {"microsoft-teams-webhook", S::kHigh, "Microsoft Teams webhook URL", kTokenWhy, kTokenFix},
    {"neon-api-key", S::kCritical, "Neon API key", kTokenWhy, kTokenFix},
    {"netlify-pat", S::kCritical, "Netlify personal access token", kTokenWhy, kTokenFix},
    {"netrc-password", S::kHigh, "password (netrc)", kPasswordWhy, kPasswordFix},
    {"newrelic-admin-key", S::kCritical, "New Relic admin API key", kTokenWhy, kTokenFix},
    {"newrelic-insights-key", S::kCritical, "New Relic Insights key", kTokenWhy, kTokenFix},
    {"newrelic-license-key", S::kCritical, "New Relic license key", kTokenWhy, kTokenFix},
    {"newrelic-rest-api-key", S::kCritical, "New Relic REST API key", kTokenWhy, kTokenFix},
    {"newrelic-user-api-key", S::kCritical, "New Relic user API key", kTokenWhy, kTokenFix},
    {"notion-token", S::kCritical, "Notion integration token", kTokenWhy, kTokenFix},
    {"npm-token", S::kCritical, "npm access token", kTokenWhy, kTokenFix},
    {"npmrc-auth-token", S::kCritical, "npm registry credential (npmrc)",
     kPasswordWhy, kPasswordFix},
    {"nuget-api-key", S::kCritical, "NuGet API key", kTokenWhy, kTokenFix},
    {"onepassword-secret-key", S::kCritical, "1Password account secret key", kTokenWhy, kTokenFix},
    {"onepassword-service-account-token", S::kCritical, "1Password service account token",
     kTokenWhy, kTokenFix},
    {"openai-api-key", S::kCritical, "OpenAI API key", kTokenWhy, kTokenFix},
    {"openshift-token", S::kCritical, "OpenShift user token", kTokenWhy, kTokenFix},
    {"packagist-token", S::kCritical, "Private Packagist token", kTokenWhy, kTokenFix},
    {"perplexity-api-key", S::kCritical, "Perplexity API key", kTokenWhy, kTokenFix},
    {"pgpass-password", S::kHigh, "password (PostgreSQL .pgpass)", kPasswordWhy, kPasswordFix},
    {"pinecone-api-key", S::kCritical, "Pinecone API key", kTokenWhy, kTokenFix},
    {"plaid-access-token", S::kCritical, "Plaid production access token", kTokenWhy, kTokenFix},
    {"planetscale-oauth-token", S::kCritical, "PlanetScale OAuth token", kTokenWhy, kTokenFix},
    {"planetscale-password", S::kCritical, "PlanetScale database password", kTokenWhy, kTokenFix},
    {"planetscale-token", S::kCritical, "PlanetScale service token", kTokenWhy, kTokenFix},
    {"postman-api-key", S::kCritical, "Postman API key", kTokenWhy, kTokenFix},
    {"prefect-api-key", S::kCritical, "Prefect API key", kTokenWhy, kTokenFix},
    {"private-key", S::kCritical,
     "private key (PEM, OpenSSH, PGP, PuTTY, ssh.com, JWK, OpenVPN, gpg-agent, Tor, .NET;"
     " binary: DER, PKCS#12, Java keystore, OpenPGP)",
     kKeyWhy, kKeyFix},
    {"pulumi-access-token", S::kCritical, "Pulumi access token", kTokenWhy, kTokenFix},
    {"pypi-test-token", S::kHigh, "TestPyPI API token", kTokenWhy, kTokenFix},
    {"pypi-token", S::kCritical, "PyPI API token", kTokenWhy, kTokenFix},
    {"readme-api-key", S::kCritical, "ReadMe API key", kTokenWhy, kTokenFix},
    {"render-api-key", S::kCritical, "Render API key", kTokenWhy, kTokenFix},
    {"replicate-api-token", S::kCritical, "Replicate API token", kTokenWhy, kTokenFix},
    {"rubygems-api-key", S::kCritical, "RubyGems API key", kTokenWhy, kTokenFix},
    {"scalingo-api-token", S::kCritical, "Scalingo API token", kTokenWhy, kTokenFix},
    {"sendgrid-api-key", S::kCritical, "SendGrid API key", kTokenWhy, kTokenFix},
    {"sentry-org-token", S::kCritical, "Sentry organization auth token", kTokenWhy, kTokenFix},
    {"sentry-user-token", S::kCritical, "Sentry user auth token", kTokenWhy, kTokenFix},
    {"shippo-api-token", S::kCritical, "Shippo live API token", kTokenWhy, kTokenFix},
    {"shopify-access-token", S::kCritical, "Shopify access token", kTokenWhy, kTokenFix},
    {"shopify-custom-app-token", S::kCritical, "Shopify custom app access token",
     kTokenWhy, kTokenFix},
    {"shopify-private-app-token", S::kCritical, "Shopify private app access token",
     kTokenWhy, kTokenFix},
    {"shopify-shared-secret", S::kCritical, "Shopify shared secret", kTokenWhy, kTokenFix},
    {"slack-app-token", S::kCritical, "Slack app-level token", kTokenWhy, kTokenFix},
    {"slack-bot-token", S::kCritical, "Slack bot token", kTokenWhy, kTokenFix},
    {"slack-token", S::kCritical, "Slack token", kTokenWhy, kTokenFix},
    {"slack-user-token", S::kCritical, "Slack user token", kTokenWhy, kTokenFix},
    {"slack-webhook", S::kHigh, "Slack webhook URL", kTokenWhy, kTokenFix},
    {"sonarqube-token", S::kCritical, "SonarQube token", kTokenWhy, kTokenFix},
    {"sourcegraph-token", S::kCritical, "Sourcegraph access token", kTokenWhy, kTokenFix},
    {"square-access-token", S::kCritical, "Square access token", kTokenWhy, kTokenFix},
    {"square-oauth-secret", S::kCritical, "Square OAuth secret", kTokenWhy, kTokenFix},
    {"stripe-restricted-key", S::kCritical, "Stripe live restricted key", kTokenWhy, kTokenFix},
    {"stripe-secret-key", S::kCritical, "Stripe live secret key", kTokenWhy, kTokenFix},
    {"stripe-webhook-secret", S::kCritical, "Stripe webhook signing secret", kTokenWhy, kTokenFix},
    {"supabase-access-token", S::kCritical, "Supabase access token", kTokenWhy, kTokenFix},
    {"supabase-secret-key", S::kCritical, "Supabase secret API key", kTokenWhy, kTokenFix},
    {"tailscale-key", S::kCritical, "Tailscale API or auth key", kTokenWhy, kTokenFix},
    {"telegram-bot-token", S::kCritical, "Telegram bot token", kTokenWhy, kTokenFix},
    {"terraform-cloud-token", S::kCritical, "Terraform Cloud API token", kTokenWhy, kTokenFix},
    {"twilio-api-key", S::kCritical, "Twilio API key", kTokenWhy, kTokenFix},
    {"twitter-bearer-token", S::kCritical, "Twitter/X bearer token", kTokenWhy, kTokenFix},
    {"typeform-token", S::kCritical, "Typeform personal access token", kTokenWhy, kTokenFix},
    {"vault-batch-token", S::kCritical, "HashiCorp Vault batch token", kTokenWhy, kTokenFix},
    {"vault-recovery-token", S::kCritical, "HashiCorp Vault recovery token", kTokenWhy, kTokenFix},
    {"vault-service-token", S::kCritical, "HashiCorp Vault service token", kTokenWhy, kTokenFix},
    {"xai-api-key", S::kCritical, "xAI API key", kTokenWhy, kTokenFix},
    {"yandex-api-key", S::kCritical, "Yandex Cloud API key", kTokenWhy, kTokenFix},
};

const RuleInfo* FindSorted(std::span<const RuleInfo> rules, std::string_view id) {
  auto it = std::lower_bound(rules.begin(), rules.end(), id,
                             [](const RuleInfo& r, std::string_view v) { return r.id < v; });
  return it != rules.end() && it->id == id ? &*it : nullptr;
}

}  // namespace

std::span<const RuleInfo> LintRules() { return kRules; }

std::span<const RuleInfo> DetectorRules() { return kDetectorRules; }

const RuleInfo* FindDetectorRule(std::string_view id) {
  return FindSorted(kDetectorRules, id);
}

const RuleInfo* FindLintRule(std::string_view id) {
  auto it = std::lower_bound(std::begin(kRules), std::end(kRules), id,
                             [](const RuleInfo& r, std::string_view v) { return r.id < v; });
  return it != std::end(kRules) && it->id == id ? it : nullptr;
}

}  // namespace safebuild
