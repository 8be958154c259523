// Shared fixtures for the browser tests: the real server on a free port with a fresh data
// folder and a known admin password, a headless Chromium page that records console errors,
// and signing in through the app's own form. Nothing here sleeps: every wait is on an event
// (a stdout line, process exit, a selector) bounded by a deadline.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const kStartTimeoutMs = 30_000;
const kStopTimeoutMs = 15_000;
const kMaxStderrChars = 64 * 1024;
const kListeningLine = /^batuta listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

export const artifactsDir = process.env.BATUTA_ARTIFACTS;

/** The first admin's password, given to the server through BATUTA_ADMIN_PASSWORD. */
export const kAdminUser = 'admin';
export const kAdminPassword = 'correct-horse-battery-staple-42';

/**
 * Starts `$BATUTA_BIN serve` on 127.0.0.1 with port 0, a fresh data folder and the admin
 * password kAdminPassword, and resolves once it printed its listening line. `options.env` adds
 * environment variables (server settings such as BATUTA_MAX_PARALLEL_RUNS). The returned
 * object has the `url`, the `dataDir` (removed on stop) and `stop()`, which sends SIGTERM and
 * resolves with the exit status; it never rejects.
 */
export async function startServer(options = {}) {
  const bin = process.env.BATUTA_BIN;
  assert.ok(bin, 'BATUTA_BIN is not set (run the tests through web/e2e/run.mjs)');
  const dataDir = await mkdtemp(join(tmpdir(), 'batuta-e2e-'));
  const child = spawn(
    bin,
    ['serve', '--listen', '127.0.0.1', '--port', '0', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env, BATUTA_ADMIN_PASSWORD: kAdminPassword },
    },
  );

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-kMaxStderrChars);
  });
  const stdoutLines = [];
  // 'close' rather than 'exit': it comes after stdout and stderr are drained, so error
  // messages hold the server's last words.
  const exited = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });

  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const seconds = kStartTimeoutMs / 1000;
      const output = `stdout:\n${stdoutLines.join('\n')}\nstderr:\n${stderr}`;
      reject(new Error(`server printed no listening line within ${seconds} s\n${output}`));
    }, kStartTimeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdoutLines.push(line);
      const match = kListeningLine.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${bin}: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      const how = signal ?? `code ${code}`;
      reject(new Error(`server exited (${how}) before listening\nstderr:\n${stderr}`));
    });
  });

  let url;
  try {
    url = await listening;
  } catch (err) {
    if (child.pid !== undefined) await exited;
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  let stopped;
  return {
    url,
    dataDir,
    stderr: () => stderr,
    stdoutLines: () => [...stdoutLines],
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        let timer;
        const deadline = new Promise((resolve) => {
          timer = setTimeout(() => resolve(null), kStopTimeoutMs);
        });
        let status = await Promise.race([exited, deadline]);
        clearTimeout(timer);
        const timedOut = status === null;
        if (timedOut) {
          child.kill('SIGKILL');
          status = await exited;
        }
        await rm(dataDir, { recursive: true, force: true });
        return { ...status, timedOut };
      })();
      return stopped;
    },
  };
}

const kChromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: kChromiumArgs,
  });
}

// Chromium logs every 4xx/5xx response to the console as an error. Those are the API's
// answers, which tests check themselves (a 401 from GET /auth/me before signing in is how the
// app learns there is no session), so they go to `httpErrors`, not `errors`.
const kHttpErrorLine = /^Failed to load resource: the server responded with a status of (\d{3})/;

/**
 * A new page (English, unless `options.locale` says otherwise). Console errors and uncaught
 * exceptions land in `errors`; HTTP error responses the browser logged land in `httpErrors`
 * as "<status> <path>" strings.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  const errors = [];
  const httpErrors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const { url, lineNumber } = msg.location();
    const http = kHttpErrorLine.exec(msg.text());
    if (http) {
      httpErrors.push(`${http[1]} ${url ? new URL(url).pathname : '(unknown)'}`);
      return;
    }
    errors.push(`console.error: ${msg.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return { page, errors, httpErrors };
}

/**
 * Signs in through the sign-in form, from wherever `page` is (it opens /login first unless it
 * is there already), and waits until the app shows the signed-in user in its header.
 */
export async function signIn(page, serverUrl, username = kAdminUser, password = kAdminPassword) {
  if (new URL(page.url()).pathname !== '/login') await page.goto(`${serverUrl}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('current-user-name').waitFor();
}

/** Fails unless the page is no wider than its viewport (nothing overflows sideways). */
export async function assertNoSidewaysOverflow(page, what) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the viewport`);
}

/**
 * Runs `body({ server, browser })` against a fresh server (started with `options`, see
 * startServer) and browser, then always closes the browser and stops the server. Fails if the
 * body failed, or else if the server did not exit with code 0 on SIGTERM or printed anything
 * on stdout besides its listening line.
 */
export async function withServerAndBrowser(body, options = {}) {
  const server = await startServer(options);
  let browser;
  let failure;
  try {
    browser = await launchBrowser();
    await body({ server, browser });
  } catch (err) {
    failure = err;
  }
  await browser?.close().catch(() => {});
  const exit = await server.stop();
  if (failure) {
    const context = `server stderr (last ${kMaxStderrChars} chars):\n${server.stderr()}`;
    if (failure instanceof Error) {
      failure.message += `\n${context}`;
      throw failure;
    }
    throw new Error(`${String(failure)}\n${context}`);
  }
  assert.ok(
    !exit.timedOut,
    `server did not exit within ${kStopTimeoutMs / 1000} s of SIGTERM\n${server.stderr()}`,
  );
  assert.deepEqual(
    { code: exit.code, signal: exit.signal },
    { code: 0, signal: null },
    `server must exit with code 0 on SIGTERM\nstderr:\n${server.stderr()}`,
  );
  const stdout = server.stdoutLines();
  assert.equal(
    stdout.length,
    1,
    `server stdout must be only the listening line, got:\n${stdout.join('\n')}`,
  );
}
