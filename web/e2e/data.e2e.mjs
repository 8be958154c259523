// Connections and datasets through the browser: an admin creates a storage connection (a
// folder under the server's storage-root, so no database server is needed), tests it from the
// form and from the list, and opens Datasets, which is empty on a fresh server.
import assert from 'node:assert/strict';
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

function shot(page, name) {
  return page.screenshot({ path: join(artifactsDir, name), fullPage: true });
}

test('an admin creates and tests a storage connection', options, async () => {
  await withServerAndBrowser(async ({ server, browser }) => {
    const { page, errors } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/login`);
    await signIn(page, server.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    await page.waitForURL(`${server.url}/connections`);
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();

    await page.getByRole('button', { name: 'New connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'New connection' });
    await dialog.getByLabel('Kind').selectOption('storage');
    await dialog.getByLabel('Name').fill('reports');
    await dialog.getByLabel('Description (optional)').fill('Monthly reports');
    await dialog.getByLabel('Folder').fill('reports');

    // Test the draft before saving it.
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    const draftResult = dialog.getByTestId('connection-test-result');
    await dialog.locator('[data-testid="connection-test-result"][data-ok]').waitFor();
    assert.equal(await draftResult.getAttribute('data-ok'), 'true', await draftResult.innerText());
    assert.match(await draftResult.innerText(), /^Connected: .+ \(\d+ ms\)$/);
    await shot(page, 'connection-dialog.png');

    await dialog.getByRole('button', { name: 'Create connection' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByTestId('connection-reports');
    await row.waitFor();
    assert.ok(await row.getByText('Storage folder').isVisible());
    assert.ok(await row.getByText('Monthly reports').isVisible());

    // Test the stored connection from the list.
    await row.getByRole('button', { name: 'Test reports' }).click();
    const listResult = page.locator('[data-testid="connection-test-result"][data-ok]');
    await listResult.waitFor();
    assert.equal(await listResult.getAttribute('data-ok'), 'true', await listResult.innerText());
    assert.match(await listResult.innerText(), /^Test of reports: Connected: /);
    await shot(page, 'connections.png');

    await page.setViewportSize({ width: 390, height: 844 });
    await assertNoSidewaysOverflow(page, 'Connections at 390px');
    await shot(page, 'connections-390.png');

    assert.deepEqual(errors, [], 'no console errors');
  });
});

test('Datasets is empty on a fresh server', options, async () => {
  await withServerAndBrowser(async ({ server, browser }) => {
    const { page, errors } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await signIn(page, server.url);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Datasets' }).click();
    await page.waitForURL(`${server.url}/datasets`);
    const empty = page.getByTestId('datasets-empty');
    await empty.waitFor();
    assert.match(await empty.innerText(), /^No datasets yet\./);
    await shot(page, 'datasets-empty.png');

    await page.setViewportSize({ width: 390, height: 844 });
    await assertNoSidewaysOverflow(page, 'Datasets at 390px');
    await shot(page, 'datasets-empty-390.png');

    assert.deepEqual(errors, [], 'no console errors');
  });
});
