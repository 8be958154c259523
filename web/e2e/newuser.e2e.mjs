// The whole path a new user takes, through the browser against the real server: an admin
// signs in, makes a SQLite connection, builds an export job with a schedule, runs it and
// watches its log live until it succeeds, previews and downloads the dataset, makes an API key
// and reads the rows with it from outside the browser; then a viewer sees the same job without
// any way to change it, and the server refuses the change when it is forced.
//
// Watching the log "live" must not depend on timing: a three-row export is over in
// milliseconds, before the run page could connect. So the server runs one run at a time
// (BATUTA_MAX_PARALLEL_RUNS=1) and a util.wait run holds that slot while the export is
// started: the export waits queued with its log stream open, and the test lets it go by
// cancelling the holder. Every wait below is on the page's state or a server response.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  artifactsDir,
  assertNoSidewaysOverflow,
  newPage,
  signIn,
  withServerAndBrowser,
} from './harness.mjs';

const kTestTimeoutMs = 180_000;
const options = { timeout: kTestTimeoutMs };

const kWide = { width: 1280, height: 800 };
const kPhone = { width: 390, height: 844 };

const kConnection = 'loja_db';
const kDatabaseFile = 'lojas.db';
const kJob = 'vendas-diarias';
const kDataset = 'vendas';
const kZone = 'America/Sao_Paulo';
const kQuery = 'SELECT loja, dia, total, cpf FROM vendas ORDER BY dia, loja';
const kViewer = { username: 'vera', displayName: 'Vera Viewer', password: 'plum-orbit-quartz-71' };

/** The table the export reads; CPFs are text, some with leading zeros that must survive. */
const kRows = [
  { loja: 'Centro', dia: '2025-01-06', total: '1500.75', cpf: '01234567890' },
  { loja: 'Norte', dia: '2025-01-06', total: '320', cpf: '98765432100' },
  { loja: 'Centro', dia: '2025-01-07', total: '89.5', cpf: '00012345678' },
];
const kColumns = ['loja', 'dia', 'total', 'cpf'];

function shot(page, name) {
  return page.screenshot({ path: join(artifactsDir, `newuser-${name}.png`), fullPage: true });
}

/** A screenshot at phone width, after checking nothing overflows sideways; back to wide. */
async function phoneShot(page, name, what) {
  await page.setViewportSize(kPhone);
  await assertNoSidewaysOverflow(page, `${what} at 390px`);
  await shot(page, `${name}-390`);
  await page.setViewportSize(kWide);
}

/** Makes <dataDir>/sqlite/<file> with the vendas table, with the sqlite3 command-line tool. */
function createDatabase(dataDir) {
  const folder = join(dataDir, 'sqlite');
  mkdirSync(folder, { recursive: true });
  const values = kRows
    .map((r) => `('${r.loja}', '${r.dia}', ${r.total}, '${r.cpf}')`)
    .join(',\n  ');
  const sql = `CREATE TABLE vendas (loja TEXT, dia TEXT, total NUMERIC, cpf TEXT);
INSERT INTO vendas (loja, dia, total, cpf) VALUES
  ${values};
`;
  execFileSync('sqlite3', [join(folder, kDatabaseFile)], { input: sql, stdio: 'pipe' });
}

/**
 * Calls the API from `page` with its session, the way the app does: unsafe methods carry the
 * CSRF token that GET /auth/me returns. Resolves with the status and the JSON body (or null).
 */
function callApi(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const response = await fetch(path, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

/**
 * Starts a util.wait run that holds the server's only run slot, and resolves with its id once
 * the server reports it running (its first log line, read from its event stream in the page).
 */
async function holdTheWorker(page) {
  const job = await callApi(page, 'POST', '/api/v1/jobs', {
    name: 'hold-worker',
    description: 'Test setup: keeps the only run slot busy until the test lets go.',
    type: 'util.wait',
    config: { seconds: 600 },
  });
  assert.equal(job.status, 201, JSON.stringify(job.body));
  const run = await callApi(page, 'POST', `/api/v1/jobs/${job.body.id}/runs`, {});
  assert.equal(run.status, 201, JSON.stringify(run.body));
  const waiting = await page.evaluate(
    (runId) =>
      new Promise((resolve, reject) => {
        const source = new EventSource(`/api/v1/runs/${encodeURIComponent(runId)}/events`);
        source.addEventListener('log', (event) => {
          const { message } = JSON.parse(event.data);
          if (!message.startsWith('waiting ')) return; // "started on <worker> ..." comes first
          source.close();
          resolve(message);
        });
        source.addEventListener('end', () => {
          source.close();
          reject(new Error('the holding run ended before it logged'));
        });
      }),
    run.body.id,
  );
  assert.equal(waiting, 'waiting 600.0 s');
  return run.body.id;
}

/**
 * Records, in the page, each state the run log's connection indicator shows, in order (one
 * entry per change, from the first render on). Survives client-side navigation.
 */
function recordConnectionStates(page) {
  return page.evaluate(() => {
    const states = [];
    window.__logConnectionStates = states;
    const look = () => {
      const state = document
        .querySelector('[data-testid="log-connection"]')
        ?.getAttribute('data-state');
      if (state && states[states.length - 1] !== state) states.push(state);
    };
    new MutationObserver(look).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
  });
}

/** The hour (0-23) it is now in `zone`. */
function hourIn(zone, date = new Date()) {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return Number(text);
}

/** `date`'s weekday ("Mon"), hour and minute ("07:30") on the wall clock of `zone`. */
function wallClock(zone, date) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type)?.value;
  return { weekday: part('weekday'), time: `${part('hour')}:${part('minute')}` };
}

/** The CSV's lines (any line ending), without the empty one after the last line break. */
function csvLines(text) {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

test('a new user connects, schedules, runs, reads and shares an export', options, async () => {
  await withServerAndBrowser(
    async ({ server, browser }) => {
      createDatabase(server.dataDir);
      const { page, errors } = await newPage(browser, { viewport: kWide });
      await page.goto(`${server.url}/login`);
      await signIn(page, server.url);
      const nav = page.getByRole('navigation', { name: 'Main' });

      // 1. A SQLite connection, tested from the form before it is saved.
      await nav.getByRole('link', { name: 'Connections' }).click();
      await page.waitForURL(`${server.url}/connections`);
      await page.getByRole('button', { name: 'New connection' }).click();
      const connectionDialog = page.getByRole('dialog', { name: 'New connection' });
      await connectionDialog.getByLabel('Kind').selectOption('sqlite');
      await connectionDialog.getByLabel('Name', { exact: true }).fill(kConnection);
      await connectionDialog.getByLabel('Database file').fill(kDatabaseFile);
      await connectionDialog.getByRole('button', { name: 'Test connection' }).click();
      const tested = connectionDialog.locator('[data-testid="connection-test-result"][data-ok]');
      await tested.waitFor();
      assert.equal(await tested.getAttribute('data-ok'), 'true', await tested.innerText());
      assert.match(await tested.innerText(), /^Connected: .+ \(\d+ ms\)$/);
      await shot(page, 'connection-dialog');
      await connectionDialog.getByRole('button', { name: 'Create connection' }).click();
      await connectionDialog.waitFor({ state: 'detached' });
      await page.getByTestId(`connection-${kConnection}`).waitFor();

      // 2. The export job, from scratch.
      await nav.getByRole('link', { name: 'Jobs' }).click();
      await page.waitForURL(`${server.url}/jobs`);
      await page.getByRole('link', { name: 'New job' }).click();
      await page.waitForURL(`${server.url}/jobs/new`);
      await page.getByRole('heading', { level: 1, name: 'New job' }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill(kJob);
      assert.equal(await page.getByLabel('Type').inputValue(), 'sql_export');
      const sqlConnection = page.getByLabel('SQL connection');
      await sqlConnection.locator(`option[value="${kConnection}"]`).waitFor({ state: 'attached' });
      await sqlConnection.selectOption(kConnection);
      await page.getByLabel('SQL query').fill(kQuery);
      assert.equal(await page.getByLabel('Storage connection').inputValue(), '');
      await page.getByLabel('Dataset name (optional)').fill(kDataset);
      await shot(page, 'job-new');
      await phoneShot(page, 'job-new', 'The new job form');
      await page.getByRole('button', { name: 'Create job' }).click();
      await page.waitForURL(/\/jobs\/(?!new)[^/]+$/);
      const jobId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
      await page
        .getByRole('status')
        .filter({ hasText: `Job ${kJob} created. Add a schedule below to run it on time.` })
        .waitFor();

      // 3. A schedule: a cron expression, its meaning and its next five fires in São Paulo.
      //    Its hour is half a day from now, so it cannot fire while the test runs.
      const hour = (hourIn(kZone) + 12) % 24;
      const hh = String(hour).padStart(2, '0');
      const cron = `30 ${hour} * * 1-5`;
      await page.getByRole('button', { name: 'Add schedule' }).click();
      const scheduleDialog = page.getByRole('dialog', { name: 'New schedule' });
      await scheduleDialog.getByLabel('Cron expression', { exact: true }).fill(cron);
      await scheduleDialog.getByLabel('Time zone', { exact: true }).selectOption(kZone);
      const meaning = scheduleDialog.getByTestId('cron-meaning');
      await meaning.filter({ hasText: `${hh}:30` }).waitFor();
      assert.equal(await meaning.innerText(), `Every weekday at ${hh}:30`);
      const fires = scheduleDialog.locator('[data-testid="next-fires"][data-stale="false"]');
      await fires.waitFor();
      // The list is for this expression in this zone: five weekday fires at hh:30, ascending.
      const fireTimes = await fires
        .locator('time')
        .evaluateAll((times) => times.map((time) => time.getAttribute('datetime')));
      assert.equal(fireTimes.length, 5, fireTimes.join(', '));
      const fireDates = fireTimes.map((iso) => new Date(iso));
      for (const [i, date] of fireDates.entries()) {
        assert.ok(!Number.isNaN(date.getTime()), `fire time ${fireTimes[i]} is a date`);
        const { weekday, time } = wallClock(kZone, date);
        assert.equal(time, `${hh}:30`, `fire ${fireTimes[i]} in ${kZone}`);
        assert.ok(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'].includes(weekday), `${weekday} is a weekday`);
        if (i === 0) assert.ok(date.getTime() > Date.now(), 'the first fire is in the future');
        else assert.ok(date > fireDates[i - 1], 'fires are in order');
      }
      await shot(page, 'schedule-dialog');
      await scheduleDialog.getByRole('button', { name: 'Save schedule' }).click();
      await scheduleDialog.waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: 'Schedule added.' }).waitFor();
      const schedule = page.locator('[data-testid^="schedule-"]');
      await schedule.locator('code', { hasText: cron }).waitFor();
      assert.match(await schedule.innerText(), new RegExp(`Time zone: ${kZone}`));
      await shot(page, 'job-editor');
      await phoneShot(page, 'job-editor', 'The job editor');

      // 4. Run now, and watch the log from the start: the export waits queued behind the
      //    holding run, with its stream open, until the test lets it go.
      const holdingRun = await holdTheWorker(page);
      await recordConnectionStates(page);
      await page.getByRole('button', { name: 'Run now', exact: true }).click();
      await page.waitForURL(/\/runs\/[^/]+$/);
      const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
      const connection = page.getByTestId('log-connection');
      await page.locator('[data-testid="log-connection"][data-state="live"]').waitFor();
      await page.getByTestId('run-status').and(page.locator('[data-status="queued"]')).waitFor();
      const log = page.getByRole('log', { name: 'Run log' });
      assert.equal(await log.getByTestId('log-line').count(), 0, 'nothing ran yet');

      const cancelled = await callApi(page, 'POST', `/api/v1/runs/${holdingRun}/cancel`);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      // The lines arrive on the open stream as the export writes them.
      await log
        .getByTestId('log-line')
        .filter({ hasText: `connecting to '${kConnection}' (sqlite)` })
        .waitFor();
      await page.getByTestId('run-status').and(page.locator('[data-status="succeeded"]')).waitFor();
      await page.locator('[data-testid="log-connection"][data-state="ended"]').waitFor();
      assert.equal(await connection.getAttribute('data-state'), 'ended');
      const states = await page.evaluate(() => window.__logConnectionStates);
      assert.deepEqual(states, ['connecting', 'live', 'ended'], `indicator went ${states}`);
      const wrote = log
        .getByTestId('log-line')
        .filter({ hasText: new RegExp(`^.*wrote 3 rows, \\d+ bytes to ${kDataset}\\.csv`) });
      await wrote.waitFor();
      assert.equal(await wrote.getAttribute('data-level'), 'info');
      const seqs = await log
        .getByTestId('log-line')
        .evaluateAll((lines) => lines.map((line) => Number(line.dataset.seq)));
      assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'lines in order');
      const artifactLink = page.getByRole('link', { name: `Download ${kDataset}.csv` });
      await artifactLink.waitFor();
      const artifactHref = await artifactLink.getAttribute('href');
      assert.match(artifactHref, /^\/api\/v1\/artifacts\/[^/]+\/download$/);
      await shot(page, 'run');
      await phoneShot(page, 'run', 'The run page');

      // The runs list: the export succeeded, the holding run was cancelled.
      await nav.getByRole('link', { name: 'Runs' }).click();
      await page.waitForURL(`${server.url}/runs`);
      await page
        .locator(`[data-testid="run-row"][data-run-id="${runId}"][data-status="succeeded"]`)
        .waitFor();
      const holdingRow = page.locator(`[data-testid="run-row"][data-run-id="${holdingRun}"]`);
      await holdingRow.waitFor();
      assert.equal(await holdingRow.getAttribute('data-status'), 'cancelled');
      await shot(page, 'runs');
      await phoneShot(page, 'runs', 'Runs');

      // The jobs list shows the run's result.
      await nav.getByRole('link', { name: 'Jobs' }).click();
      await page.waitForURL(`${server.url}/jobs`);
      const jobRow = page.getByTestId(`job-${kJob}`);
      await jobRow.locator('[data-status="succeeded"]').waitFor();
      await jobRow.locator('time[datetime]').last().waitFor();
      await shot(page, 'jobs');
      await phoneShot(page, 'jobs', 'Jobs');

      // 5. The dataset: its preview keeps the CPFs' leading zeros; its CSV downloads.
      await nav.getByRole('link', { name: 'Datasets' }).click();
      await page.waitForURL(`${server.url}/datasets`);
      await page.getByTestId(`dataset-${kDataset}`).getByRole('link', { name: kDataset }).click();
      await page.waitForURL(`${server.url}/datasets/${kDataset}`);
      const preview = page.getByTestId('dataset-preview');
      await preview.waitFor();
      const headers = await preview
        .locator('thead th')
        .evaluateAll((cells) => cells.map((cell) => cell.firstChild?.textContent ?? ''));
      assert.deepEqual(headers, kColumns);
      const cells = await preview
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent)),
        );
      assert.deepEqual(cells, kRows.map((r) => kColumns.map((c) => r[c])));
      assert.equal(await page.getByTestId('dataset-range').innerText(), 'rows 1–3 of 3');
      await shot(page, 'dataset');
      await phoneShot(page, 'dataset', 'The dataset page');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Download', exact: true }).click(),
      ]);
      assert.match(download.suggestedFilename(), /\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8');
      assert.deepEqual(csvLines(csv), [
        kColumns.join(','),
        ...kRows.map((r) => kColumns.map((c) => r[c]).join(',')),
      ]);
      // The run page's file link serves the same file.
      const artifactCsv = await page.evaluate(
        async (href) => (await fetch(href)).text(),
        artifactHref,
      );
      assert.equal(artifactCsv, csv);

      // 6. An API key, shown once, reads the rows from outside the browser.
      await nav.getByRole('link', { name: 'API keys' }).click();
      await page.waitForURL(`${server.url}/account/api-keys`);
      await page.getByRole('button', { name: 'New API key' }).click();
      const keyForm = page.getByRole('dialog', { name: 'New API key' });
      await keyForm.getByLabel('Name').fill('vendas reader');
      await keyForm.getByLabel('Role').selectOption('viewer');
      await keyForm.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByTestId('new-api-key');
      await shown.waitFor();
      const key = await shown.inputValue();
      assert.ok(key.length >= 20, `a real key was shown, got "${key}"`);
      const keyDialog = page.getByRole('dialog', { name: 'Copy your new API key' });
      assert.match(await keyDialog.textContent(), /it cannot be shown again/);
      await shot(page, 'api-key-created');
      await keyDialog.getByRole('button', { name: 'Done' }).click();
      await keyDialog.waitFor({ state: 'detached' });
      const keysTable = page.getByTestId('api-keys-table');
      await keysTable.getByRole('rowheader', { name: 'vendas reader' }).waitFor();
      assert.ok(!(await page.locator('body').textContent()).includes(key), 'shown only once');
      await shot(page, 'api-keys');

      const rowsUrl = `${server.url}/api/v1/datasets/${kDataset}/rows`;
      const withKey = await fetch(rowsUrl, { headers: { Authorization: `Bearer ${key}` } });
      assert.equal(withKey.status, 200);
      const rowsPage = await withKey.json();
      assert.deepEqual(rowsPage.columns.map((column) => column.name), kColumns);
      assert.equal(rowsPage.total, kRows.length);
      assert.deepEqual(
        rowsPage.rows.map((row) => row.cpf),
        kRows.map((r) => r.cpf),
        'the CPFs are strings with their leading zeros',
      );
      assert.deepEqual(
        rowsPage.rows.map((row) => [row.loja, row.dia]),
        kRows.map((r) => [r.loja, r.dia]),
      );
      assert.deepEqual(
        rowsPage.rows.map((row) => Number(row.total)),
        kRows.map((r) => Number(r.total)),
      );
      assert.equal((await fetch(rowsUrl)).status, 401, 'no key, no rows');

      // Home after the run: the overview counts both jobs and shows the schedule's next fire.
      await nav.getByRole('link', { name: 'Home' }).click();
      await page.waitForURL(`${server.url}/`);
      await page.getByTestId('stat-jobs').locator('.stat-value', { hasText: /^2$/ }).waitFor();
      await page.getByTestId('upcoming-fire').getByRole('link', { name: kJob }).waitFor();
      await shot(page, 'home');
      await phoneShot(page, 'home', 'Home');

      // The dark theme, chosen in the header, is applied at once and kept across a reload.
      await page.getByLabel('Theme', { exact: true }).selectOption('dark');
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await page.reload();
      await page.getByTestId('stat-jobs').waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await shot(page, 'home-dark');
      await page.getByLabel('Theme', { exact: true }).selectOption('system');
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), undefined);

      // 7. A viewer, made on the Users page.
      await nav.getByRole('link', { name: 'Users' }).click();
      await page.waitForURL(`${server.url}/admin/users`);
      await page.getByRole('button', { name: 'New user' }).click();
      const userDialog = page.getByRole('dialog', { name: 'New user' });
      await userDialog.getByLabel('Username').fill(kViewer.username);
      await userDialog.getByLabel('Display name (optional)').fill(kViewer.displayName);
      await userDialog.getByLabel('Role').selectOption('viewer');
      await userDialog.getByLabel('Password').fill(kViewer.password);
      await userDialog.getByRole('button', { name: 'Create user' }).click();
      await userDialog.waitFor({ state: 'detached' });
      await page.getByTestId(`user-${kViewer.username}`).waitFor();

      const viewer = await newPage(browser, { viewport: kWide });
      const vpage = viewer.page;
      await vpage.goto(`${server.url}/login`);
      await signIn(vpage, server.url, kViewer.username, kViewer.password);
      assert.equal(await vpage.getByTestId('current-user-role').textContent(), 'Viewer');
      const vnav = vpage.getByRole('navigation', { name: 'Main' });

      await vnav.getByRole('link', { name: 'Jobs' }).click();
      await vpage.waitForURL(`${server.url}/jobs`);
      const viewerRow = vpage.getByTestId(`job-${kJob}`);
      await viewerRow.waitFor();
      assert.equal(await vpage.getByRole('link', { name: 'New job' }).count(), 0);
      assert.equal(await vpage.getByRole('switch').count(), 0, 'no enable switches');
      assert.equal(await vpage.getByRole('button', { name: /^Run now/ }).count(), 0);

      await viewerRow.getByRole('link', { name: kJob }).click();
      await vpage.waitForURL(`${server.url}/jobs/${encodeURIComponent(jobId)}`);
      const main = vpage.getByRole('main');
      await main.getByText('You can see this job; changing it needs the editor role.').waitFor();
      await main.locator('[data-testid^="schedule-"]').waitFor();
      assert.equal(await main.getByRole('textbox').count(), 0, 'no text inputs');
      assert.equal(await main.getByRole('combobox').count(), 0, 'no selects');
      assert.equal(await main.getByRole('switch').count(), 0, 'no schedule switches');
      for (const name of ['Run now', 'Delete', 'Add schedule', 'Save']) {
        assert.equal(await main.getByRole('button', { name }).count(), 0, `no "${name}"`);
      }
      await shot(vpage, 'viewer-job');

      // Connections are not even listed for a viewer; forced, the page offers nothing.
      assert.equal(await vnav.getByRole('link', { name: 'Connections' }).count(), 0);
      await vpage.goto(`${server.url}/connections`);
      await vpage.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
      await vpage.getByRole('alert').waitFor(); // the server's 403 for the list
      assert.equal(await vpage.getByRole('button', { name: 'New connection' }).count(), 0);

      // The server refuses what the page does not offer, with a valid session and CSRF token.
      const forced = await callApi(vpage, 'POST', '/api/v1/jobs', {
        name: 'viewer-job',
        type: 'util.wait',
        config: { seconds: 1 },
      });
      assert.equal(forced.status, 403, JSON.stringify(forced.body));
      const forcedRun = await callApi(vpage, 'POST', `/api/v1/jobs/${jobId}/runs`, {});
      assert.equal(forcedRun.status, 403, JSON.stringify(forcedRun.body));

      assert.deepEqual(errors, [], 'no console errors (admin)');
      assert.deepEqual(viewer.errors, [], 'no console errors (viewer)');
    },
    { env: { BATUTA_MAX_PARALLEL_RUNS: '1' } },
  );
});
