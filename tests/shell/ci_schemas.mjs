// Checks CI files against their published schemas:
//
//   node ci_schemas.mjs TOOLS_DIR KIND FILE [KIND FILE]...
//
// KIND github: SchemaStore's github-workflow.json, as @action-validator/core
// embeds and applies it. KIND gitlab: GitLab's CI schema (draft-07; the one
// SchemaStore lists for .gitlab-ci.yml), shipped as JSON by gitlab-ci-local,
// checked with ajv. TOOLS_DIR is the npm prefix holding them (see
// .ci/install-deps). Prints `valid: FILE` or `INVALID: FILE` and the errors.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [toolsDir, ...pairs] = process.argv.slice(2);
const require = createRequire(join(toolsDir, 'node_modules', 'x.js'));
const yaml = require('js-yaml');

function githubErrors(text) {
  const { validateWorkflow } = require('@action-validator/core');
  return validateWorkflow(text).errors.map(
    (e) => `${e.path ?? ''} ${e.title}${e.detail ? ': ' + e.detail : ''}`);
}

let gitlabValidate;
function gitlabErrors(text) {
  if (!gitlabValidate) {
    const Ajv = require('ajv');
    const addFormats = require('ajv-formats');
    const schema = JSON.parse(readFileSync(
      require.resolve('gitlab-ci-local/src/schema/schema.json'), 'utf8'));
    // The schema uses editor keywords (markdownDescription) ajv does not know.
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    gitlabValidate = ajv.compile(schema);
  }
  if (gitlabValidate(yaml.load(text))) return [];
  return gitlabValidate.errors.map((e) => `${e.instancePath} ${e.message}`);
}

let failed = 0;
for (let i = 0; i + 1 < pairs.length; i += 2) {
  const [kind, file] = [pairs[i], pairs[i + 1]];
  const text = readFileSync(file, 'utf8');
  const errors = kind === 'github' ? githubErrors(text) : gitlabErrors(text);
  if (errors.length === 0) {
    console.log(`valid: ${file}`);
  } else {
    failed++;
    console.log(`INVALID: ${file}`);
    for (const e of errors) console.log(`  ${e}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
