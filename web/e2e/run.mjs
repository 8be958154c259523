// Browser tests: runs every web/e2e/*.e2e.mjs with Node's test runner. Each test starts the
// real server binary and drives Debian's Chromium through playwright-core.
//
//   BATUTA_BIN=build/debug/app/batuta BATUTA_ARTIFACTS=test-artifacts node web/e2e/run.mjs
//
// BATUTA_BIN (required): the server binary. BATUTA_ARTIFACTS: folder for screenshots
// (default: test-artifacts/ at the repository root). CHROMIUM (default /usr/bin/chromium).
// BATUTA_E2E_ONLY (optional): run only the files whose name contains this text, e.g.
// BATUTA_E2E_ONLY=newuser.
// Relative paths are taken from the current directory, so this works from the repository
// root and from web/ alike.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const e2eDir = dirname(fileURLToPath(import.meta.url));
const webDir = dirname(e2eDir);
const repoDir = dirname(webDir);

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(2);
}

if (!process.env.BATUTA_BIN) fail('set BATUTA_BIN to the batuta server binary');
const bin = resolve(process.env.BATUTA_BIN);
try {
  accessSync(bin, constants.X_OK);
} catch {
  fail(`BATUTA_BIN=${bin} is not an executable file (build the server first)`);
}
const artifacts = resolve(process.env.BATUTA_ARTIFACTS || join(repoDir, 'test-artifacts'));
mkdirSync(artifacts, { recursive: true });
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromium)) fail(`no Chromium at ${chromium} (apt-get install chromium)`);
if (!existsSync(join(webDir, 'node_modules', 'playwright-core'))) {
  fail('web/node_modules is missing: run `npm ci` in web/ (scripts/setup does)');
}

const files = readdirSync(e2eDir)
  .filter((name) => name.endsWith('.e2e.mjs'))
  .filter((name) => !process.env.BATUTA_E2E_ONLY || name.includes(process.env.BATUTA_E2E_ONLY))
  .sort()
  .map((name) => join(e2eDir, name));
if (files.length === 0) {
  const only = process.env.BATUTA_E2E_ONLY ? ` matching "${process.env.BATUTA_E2E_ONLY}"` : '';
  fail(`no *.e2e.mjs files${only} in ${e2eDir}`);
}

// One test at a time: each starts a server and a browser, and the machine has 2 cores.
const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  {
    cwd: webDir,
    stdio: 'inherit',
    env: { ...process.env, BATUTA_BIN: bin, BATUTA_ARTIFACTS: artifacts, CHROMIUM: chromium },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
