// Generates src/api/schema.gen.ts (TypeScript types for every path and schema) from the
// server's OpenAPI document, api/openapi.yaml at the repository root (OPENAPI_SPEC=<file>
// overrides it). Runs before every dev, build, typecheck and test; the output is git-ignored
// and never edited by hand.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const spec = process.env.OPENAPI_SPEC
  ? pathToFileURL(resolve(process.env.OPENAPI_SPEC))
  : new URL('../../api/openapi.yaml', import.meta.url);
const out = new URL('../src/api/schema.gen.ts', import.meta.url);

const header = `/*
 * GENERATED FILE - DO NOT EDIT.
 * Generated from api/openapi.yaml by web/scripts/gen-api.mjs (openapi-typescript) on every
 * \`npm run dev\`, \`npm run build\` and \`npm test\`. Change the OpenAPI document instead.
 */

`;

let ast;
try {
  // emptyObjectsUnknown: a free-form `type: object` (like error.details) is
  // Record<string, unknown>, not Record<string, never>.
  ast = await openapiTS(spec, { silent: true, emptyObjectsUnknown: true });
} catch (err) {
  // The parser's own error embeds the whole document; print just the cause and position.
  const cause = err?.originalError ?? err;
  const where = err?.line ? ` (line ${err.line}, column ${err.col})` : '';
  const reason = cause?.reason ?? cause?.message ?? String(err);
  console.error(`gen-api: cannot read ${fileURLToPath(spec)}${where}: ${reason}`);
  process.exit(1);
}
const text = header + astToString(ast).trimEnd() + '\n';

// Rewrite only on change so a running dev server does not reload for nothing.
const previous = await readFile(out, 'utf8').catch(() => null);
if (previous !== text) {
  await writeFile(out, text);
  console.log(`gen-api: wrote ${fileURLToPath(out)}`);
}
