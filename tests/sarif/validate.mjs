// Validates SARIF files against the published SARIF 2.1.0 JSON schema
// (draft-04, as OASIS publishes it), with formats (uri, date-time) checked.
//
//   node validate.mjs TOOLS_DIR FILE...
//
// TOOLS_DIR is an npm prefix holding ajv@8, ajv-draft-04, ajv-formats and
// @microsoft/jest-sarif (which ships the schema file).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [toolsDir, ...files] = process.argv.slice(2);
const require = createRequire(join(toolsDir, 'node_modules', 'x.js'));
const Ajv = require('ajv-draft-04');
const addFormats = require('ajv-formats');
const schemaPath = require.resolve(
  '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));

// The schema's "language" pattern is not valid with the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let failed = 0;
for (const file of files) {
  const ok = validate(JSON.parse(readFileSync(file, 'utf8')));
  if (ok) {
    console.log(`valid: ${file}`);
  } else {
    failed++;
    console.log(`INVALID: ${file}`);
    for (const e of validate.errors) console.log(`  ${e.instancePath} ${e.message}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
