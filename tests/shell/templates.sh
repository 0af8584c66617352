#!/usr/bin/env bash
# Templates (templates/): the CI files parse as YAML and name only what
# they declare, the Makefile include prints the expected safebuild
# commands, and the Containerfiles follow the rules they teach (secret
# mounts with a `test -s` guard, multi-stage, a parameterised base image)
# and pass safebuild's own lint.
# The GitHub workflow and the GitLab CI file are validated against their
# published schemas (tests/shell/ci_schemas.mjs), and the Tekton Task's
# fields against the Tekton v1 Task spec.
# Usage: templates.sh [SAFEBUILD_BINARY [TOOLS_DIR]]
# Without the binary the lint checks are skipped; TOOLS_DIR is the npm
# prefix with the schema validators (default /opt/safebuild-test-tools).
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source-path=SCRIPTDIR
. "$HERE/lib.sh"
SAFEBUILD=${1:+$(realpath "$1")}
TOOLS=${2:-/opt/safebuild-test-tools}
TEMPLATES=$ROOT/templates

T=$(mktemp -d /tmp/safebuild-templates.XXXXXX)
trap 'rm -rf "$T"' EXIT

# --- CI files

# Debian's python3 has python3-yaml; another python3 first in PATH may not.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
if "$PYTHON" -c 'import yaml' 2> /dev/null; then
  for f in "$TEMPLATES"/ci/*.yml "$TEMPLATES"/ci/*.yaml; do
    check "$(basename "$f") parses as YAML" "$PYTHON" -c \
      'import sys, yaml; list(yaml.safe_load_all(open(sys.argv[1])))' "$f"
  done
  # Every $(params.X), $(workspaces.X…) and $(results.X…) the Task uses is
  # declared, and every declared param is used.
  out=$("$PYTHON" - "$TEMPLATES/ci/tekton-task.yaml" <<'PY'
import re, sys, yaml
text = open(sys.argv[1]).read()
task = yaml.safe_load(text)
spec = task["spec"]
assert task["apiVersion"] == "tekton.dev/v1" and task["kind"] == "Task", "not a v1 Task"
declared = {k: {x["name"] for x in spec.get(k, [])} for k in ("params", "workspaces", "results")}
for kind, name in re.findall(r"\$\((params|workspaces|results)\.([A-Za-z0-9_-]+)", text):
    assert name in declared[kind], f"{kind}.{name} is not declared"
for p in declared["params"]:
    assert f"$(params.{p}" in text, f"param {p} is never used"
for step in spec["steps"]:
    for m in step.get("volumeMounts", []):
        assert m["name"] in {v["name"] for v in spec["volumes"]}, m["name"]
print("ok")
PY
  )
  expect_eq "tekton-task.yaml: params, workspaces, results and volumes match" "$out" ok
  out=$("$PYTHON" - "$TEMPLATES/ci/github-actions.yml" <<'PY'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
steps = wf["jobs"]["image"]["steps"]
runs = " ".join(s.get("run", "") for s in steps)
assert "safebuild --format sarif --report safebuild.json build" in runs, "no safebuild build"
assert "> safebuild.sarif" in runs, "the SARIF report is not kept"
assert "safebuild push" in runs, "no safebuild push"
upload = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
assert len(upload) == 1 and upload[0]["with"]["sarif_file"] == "safebuild.sarif", "no upload"
assert wf["permissions"]["security-events"] == "write", "upload-sarif needs security-events"
print("ok")
PY
  )
  expect_eq "github-actions.yml: builds with safebuild, uploads the SARIF, pushes" "$out" ok
  out=$("$PYTHON" - "$TEMPLATES/ci/gitlab-ci.yml" <<'PY'
import sys, yaml
ci = yaml.safe_load(open(sys.argv[1]))
job = ci["safebuild-image"]
assert job["stage"] in ci["stages"], "unknown stage"
script = " ".join(job["script"])
assert "safebuild --report safebuild.json build" in script, "no safebuild build"
assert job["artifacts"]["paths"] == ["safebuild.json"], "report not kept"
print("ok")
PY
  )
  expect_eq "gitlab-ci.yml: builds with safebuild and keeps the report" "$out" ok
  # The fields of the Tekton v1 Task spec (pipeline/v1 TaskSpec, Step,
  # ParamSpec, WorkspaceDeclaration, TaskResult, Volume): no schema is
  # published, so every key the template uses is checked against them.
  out=$("$PYTHON" - "$TEMPLATES/ci/tekton-task.yaml" <<'PY'
import re, sys, yaml
task = yaml.safe_load(open(sys.argv[1]))
errors = []
def only(where, obj, allowed, required=()):
    for k in obj:
        if k not in allowed: errors.append(f"{where}: unknown field {k}")
    for k in required:
        if k not in obj: errors.append(f"{where}: missing {k}")
only("Task", task, {"apiVersion", "kind", "metadata", "spec"}, ("apiVersion", "kind", "spec"))
name = task["metadata"]["name"]
if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name): errors.append(f"bad name {name}")
spec = task["spec"]
only("spec", spec, {"params", "displayName", "description", "steps", "volumes",
                    "stepTemplate", "sidecars", "workspaces", "results"}, ("steps",))
for p in spec.get("params", []):
    only(f"param {p.get('name')}", p, {"name", "type", "description", "properties",
                                       "default", "enum"}, ("name",))
    if p.get("type", "string") not in ("string", "array", "object"): errors.append(p["name"])
    if p.get("type") == "array" and not isinstance(p.get("default", []), list):
        errors.append(f"param {p['name']}: an array's default is a list")
for w in spec.get("workspaces", []):
    only(f"workspace {w.get('name')}", w, {"name", "description", "mountPath", "readOnly",
                                           "optional"}, ("name",))
for r in spec.get("results", []):
    only(f"result {r.get('name')}", r, {"name", "type", "properties", "description",
                                        "value"}, ("name",))
step_fields = {"name", "displayName", "image", "command", "args", "workingDir", "envFrom",
               "env", "computeResources", "volumeMounts", "volumeDevices",
               "imagePullPolicy", "securityContext", "script", "timeout", "workspaces",
               "onError", "stdoutConfig", "stderrConfig", "ref", "params", "results", "when"}
names = [st.get("name") for st in spec["steps"]]
if len(set(names)) != len(names): errors.append("step names repeat")
for st in spec["steps"]:
    only(f"step {st.get('name')}", st, step_fields, ("name", "image"))
    if "script" in st and "command" in st: errors.append(f"step {st['name']}: script and command")
    for e in st.get("env", []): only(f"step {st['name']} env", e, {"name", "value", "valueFrom"})
for v in spec.get("volumes", []):
    if len(v) != 2 or "name" not in v: errors.append(f"volume {v}: one name and one source")
print("\n".join(errors) or "ok")
PY
  )
  expect_eq "tekton-task.yaml: every field is one of the Tekton v1 Task spec" "$out" ok
else
  not_ok "YAML checks: $PYTHON has no yaml module (install python3-yaml)"
fi

# --- CI files against their published schemas

if command -v node > /dev/null && [ -d "$TOOLS/node_modules/@action-validator/core" ] &&
  [ -f "$TOOLS/node_modules/gitlab-ci-local/src/schema/schema.json" ]; then
  schemas() { node "$HERE/ci_schemas.mjs" "$TOOLS" "$@" 2>&1; }
  out=$(schemas github "$TEMPLATES/ci/github-actions.yml")
  expect_eq "github-actions.yml: valid against SchemaStore's github-workflow.json" "$out" \
    "valid: $TEMPLATES/ci/github-actions.yml"
  out=$(schemas gitlab "$TEMPLATES/ci/gitlab-ci.yml")
  expect_eq "gitlab-ci.yml: valid against GitLab's CI schema" "$out" \
    "valid: $TEMPLATES/ci/gitlab-ci.yml"
  # The validators reject what the schemas forbid.
  sed 's/^    runs-on:/    runs_on:/' "$TEMPLATES/ci/github-actions.yml" > "$T/bad-gh.yml"
  sed 's/^    when: always/    when: sometimes/' "$TEMPLATES/ci/gitlab-ci.yml" > "$T/bad-gl.yml"
  out=$(schemas github "$T/bad-gh.yml")
  expect_eq "a workflow with runs_on is rejected" "$(head -1 <<< "$out")" \
    "INVALID: $T/bad-gh.yml"
  out=$(schemas gitlab "$T/bad-gl.yml")
  expect_eq "a job with artifacts: when: sometimes is rejected" "$out" \
    "$(printf '%s\n' "INVALID: $T/bad-gl.yml" \
      "  /safebuild-image/artifacts/when must be equal to one of the allowed values")"
else
  not_ok "CI schemas: no node or no validators in $TOOLS (see .ci/install-deps)"
fi

# --- safebuild.mk

mk() { make --no-print-directory -f "$TEMPLATES/safebuild.mk" -n "$@" 2>&1; }
expect_eq "make image IMAGE=x" "$(mk image IMAGE=x)" "safebuild build -f Containerfile -t x ."
expect_eq "make image with every variable" \
  "$(mk image IMAGE=r/app:1 TAGS='r/app:latest r/app:stable' CONTAINERFILE=C.prod \
    CONTEXT=src PODMAN_FLAGS='--secret id=npmrc,src=n --pull=never' \
    PODMAN_STORAGE_FLAGS='--root /s' SAFEBUILD=/opt/sb SAFEBUILD_FLAGS='--fail-on medium')" \
  "/opt/sb --fail-on medium build --root /s -f C.prod --secret id=npmrc,src=n --pull=never \
-t r/app:1 -t r/app:latest -t r/app:stable src"
expect_eq "make lint" "$(mk lint CONTEXT=src)" "safebuild lint -f Containerfile src"
expect_eq "make scan" "$(mk scan IMAGE=x PODMAN_STORAGE_FLAGS='--root /s')" \
  "safebuild scan --root /s x"
expect_eq "make push" "$(mk push IMAGE=x PUSH_DESTINATION=docker://r/x)" \
  "safebuild push x docker://r/x"
out=$(mk image)
if [[ $out == *"set IMAGE"* ]] && ! mk image > /dev/null; then
  ok "make image without IMAGE fails and says so"
else
  not_ok "make image without IMAGE fails and says so" "$out"
fi
printf 'all:\n\t@echo own-default\ninclude %s\n' "$TEMPLATES/safebuild.mk" > "$T/a.mk"
printf 'include %s\nall:\n\t@echo own-default\n' "$TEMPLATES/safebuild.mk" > "$T/b.mk"
expect_eq "included last, the Makefile keeps its default goal" \
  "$(make --no-print-directory -f "$T/a.mk")" own-default
expect_eq "included first, the Makefile keeps its default goal" \
  "$(make --no-print-directory -f "$T/b.mk")" own-default

# --- Containerfiles

mkdir -p "$T/ctx"
for f in "$TEMPLATES"/containerfiles/*.Containerfile; do
  name=$(basename "$f")
  first_from=$(grep -n '^FROM' "$f" | head -1 | cut -d: -f1)
  base_arg=$(grep -n '^ARG BASE_IMAGE=' "$f" | head -1 | cut -d: -f1)
  # shellcheck disable=SC2016 # ${BASE_IMAGE} is Containerfile text
  if [ -n "$base_arg" ] && [ -n "$first_from" ] && [ "$base_arg" -lt "$first_from" ] &&
    grep -q '^FROM \${BASE_IMAGE}' "$f"; then
    ok "$name: FROM uses ARG BASE_IMAGE"
  else
    not_ok "$name: FROM uses ARG BASE_IMAGE"
  fi
  check "$name: multi-stage" test "$(grep -c '^FROM ' "$f")" -ge 2
  check "$name: credentials through RUN --mount=type=secret" \
    grep -q -- '--mount=type=secret,id=' "$f"
  check "$name: the secret is guarded with test -s" grep -q 'test -s ' "$f"
  if grep -qE -- '--mount=[^ ]*env=|<<-?[A-Z]' "$f"; then
    not_ok "$name: no secret env= nor heredoc (podman 4.3 lacks them)"
  else
    ok "$name: no secret env= nor heredoc (podman 4.3 lacks them)"
  fi
  if grep -qE '^(ARG|ENV) [A-Z_]*(TOKEN|PASSWORD|SECRET|AUTH)' "$f"; then
    not_ok "$name: no credential in ARG or ENV"
  else
    ok "$name: no credential in ARG or ENV"
  fi
  if [ -n "$SAFEBUILD" ]; then
    out=$("$SAFEBUILD" --fail-on info lint -f "$f" "$T/ctx" 2>&1)
    rc=$?
    expect_eq "$name: safebuild lint finds nothing (--fail-on info)" "$rc" 0
    [ "$rc" = 0 ] || printf '     %s\n' "$out"
  else
    skip "$name: safebuild lint (no binary given)"
  fi
done

# --- containerignore

ignore=$TEMPLATES/containerignore
for pattern in '**/.npmrc' '**/.pypirc' '**/.netrc' '**/.git-credentials' '**/.docker' \
  '**/.aws' '**/.env' '**/.env.*' '!**/.env.example' '**/*.pem' '**/*.key' '**/id_rsa*' \
  '**/id_ed25519*' '**/kubeconfig' '**/*.tfstate'; do
  expect_has "containerignore has $pattern" "$(cat "$ignore")" "$pattern"
done
if grep -n '!' "$ignore" | grep -v '^[0-9]*:#' | cut -d: -f1 | while read -r n; do
  [ "$n" -gt "$(grep -n '^\*\*/\.env\.\*$' "$ignore" | cut -d: -f1)" ] || exit 1
done; then
  ok "containerignore: exceptions come after the pattern they undo"
else
  not_ok "containerignore: exceptions come after the pattern they undo"
fi

finish templates
