// A report with one finding of each kind of location (Containerfile,
// context, image config, layer), shared by the SARIF unit tests and the
// sample the schema check validates.
#pragma once

#include <string>

#include "report/report.h"

namespace safebuild::test {

inline Report SampleReport() {
  Report r;
  r.image = ReportImage{"sha256:" + std::string(64, 'b'), {}};
  Finding env;
  env.rule = "secret-in-env";
  env.origin = Origin::kContainerfile;
  env.path = "/src/project/Containerfile";
  env.line = 3;
  env.column = 11;
  env.fingerprint = "f00d";
  env.redacted = "ghp_…";
  env.message = "ENV sets TOKEN to a secret";
  env.fix = "pass TOKEN at run time";
  r.findings.push_back(env);
  Finding ctx;
  ctx.rule = "context-credential-file";
  ctx.origin = Origin::kContext;
  ctx.path = "/src/project/ctx/secrets/my key.pem";
  ctx.message = "secrets/my key.pem (private-key) is sent into the image";
  r.findings.push_back(ctx);
  Finding cfg;
  cfg.rule = "aws-access-key-id";
  cfg.severity = Severity::kMedium;
  cfg.origin = Origin::kConfig;
  cfg.path = "Env/AWS_KEY";
  cfg.fingerprint = "beef";
  cfg.message = "AWS access key ID";
  r.findings.push_back(cfg);
  Finding layer;
  layer.rule = "npm-token";
  layer.severity = Severity::kCritical;
  layer.origin = Origin::kLayer;
  layer.path = "/app/.npmrc";
  layer.line = 1;
  layer.layer = LayerRef{1, "sha256:" + std::string(64, 'a'), "COPY .npmrc /app/.npmrc"};
  layer.deleted = true;
  layer.instruction = SourceRef{"/src/project/Containerfile", 2};
  layer.fingerprint = "0123";
  layer.redacted = "npm_…";
  layer.message = "npm access token";
  r.findings.push_back(layer);
  Finding low = layer;
  low.severity = Severity::kLow;
  low.path = "/app/other";
  low.deleted = false;
  r.findings.push_back(low);
  ScanStats stats;
  stats.skipped.push_back({"size", "/var/lib/big.pack", "", 1, ""});
  stats.skipped.push_back({"ratio", "/app/a.zip", "inner.tar", 1, ""});
  stats.skipped.push_back(
      {"entries", "/var/lib/app.db", "", 1, "SQLite cells past the first 4096"});
  r.stats = stats;
  return r;
}

}  // namespace safebuild::test
