// Identity and access control through the browser: sign-in and sign-out, users, API keys,
// the audit log, and what a viewer can and cannot reach. Runs against the real server, whose
// first admin gets kAdminPassword from the harness.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  artifactsDir,
  assertNoSidewaysOverflow,
  kAdminPassword,
  kAdminUser,
  newPage,
  signIn,
  withServerAndBrowser,
} from './harness.mjs';

const kTestTimeoutMs = 180_000;
const options = { timeout: kTestTimeoutMs };

const kViewer = { username: 'vera', displayName: 'Vera Viewer', password: 'plum-orbit-quartz-71' };

function shot(page, name) {
  return page.screenshot({ path: join(artifactsDir, name), fullPage: true });
}

test('an admin signs in, lands on Home, and signing out returns to sign-in', options, async () => {
  await withServerAndBrowser(async ({ server, browser }) => {
    const { page, errors } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForURL(`${server.url}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'login.png');
    await page.setViewportSize({ width: 390, height: 844 });
    await assertNoSidewaysOverflow(page, 'the sign-in page at 390px');
    await shot(page, 'login-390.png');
    await page.setViewportSize({ width: 1280, height: 800 });

    await signIn(page, server.url);
    await page.waitForURL(`${server.url}/`);
    // The header shows the display name; the first admin's is "Administrator".
    assert.equal(await page.getByTestId('current-user-name').textContent(), 'Administrator');
    assert.equal(await page.getByTestId('current-user-role').textContent(), 'Admin');
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Home', 'API keys', 'Users', 'Audit log']) {
      assert.ok(await nav.getByRole('link', { name }).isVisible(), `${name} is in the navigation`);
    }

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/login`);
    await page.getByLabel('Username').waitFor();

    // The session is gone on the server too: a fresh load asks to sign in again.
    await page.goto(`${server.url}/admin/users`);
    await page.waitForURL(`${server.url}/login`);
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    assert.equal(me, 401);

    assert.deepEqual(errors, [], 'no console errors');
  });
});

test('a wrong password shows an error and stays on sign-in', options, async () => {
  await withServerAndBrowser(async ({ server, browser }) => {
    const { page, errors, httpErrors } = await newPage(browser);
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username').fill(kAdminUser);
    await page.getByLabel('Password').fill(`${kAdminPassword}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'Wrong username or password.');
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.getByLabel('Password').inputValue(), '');
    assert.ok(httpErrors.includes('401 /api/v1/auth/login'), httpErrors.join('\n'));
    await shot(page, 'login-error.png');

    assert.deepEqual(errors, [], 'no console errors');
  });
});

test(
  'an admin manages users and API keys; a viewer cannot reach admin pages',
  options,
  async () => {
    await withServerAndBrowser(async ({ server, browser }) => {
      const { page, errors } = await newPage(browser, { viewport: { width: 1280, height: 800 } });
      await page.goto(`${server.url}/login`);
      await signIn(page, server.url);
      const nav = page.getByRole('navigation', { name: 'Main' });

      // Users: create a viewer.
      await nav.getByRole('link', { name: 'Users' }).click();
      await page.waitForURL(`${server.url}/admin/users`);
      await page.getByTestId(`user-${kAdminUser}`).waitFor();
      await page.getByRole('button', { name: 'New user' }).click();
      const create = page.getByRole('dialog', { name: 'New user' });
      await create.getByLabel('Username').fill(kViewer.username);
      await create.getByLabel('Display name (optional)').fill(kViewer.displayName);
      await create.getByLabel('Role').selectOption('viewer');
      await create.getByLabel('Password').fill(kViewer.password);
      await create.getByRole('button', { name: 'Create user' }).click();
      await create.waitFor({ state: 'detached' });
      const row = page.getByTestId(`user-${kViewer.username}`);
      await row.waitFor();
      assert.equal(await row.locator('[data-label="Role"]').textContent(), 'Viewer');
      assert.equal(await row.locator('[data-label="Status"]').textContent(), 'Active');
      await shot(page, 'users.png');
      await page.setViewportSize({ width: 390, height: 844 });
      await assertNoSidewaysOverflow(page, 'Users at 390px');
      await shot(page, 'users-390.png');
      await page.setViewportSize({ width: 1280, height: 800 });

      // API keys: create one, see it once, use it from outside the browser.
      await nav.getByRole('link', { name: 'API keys' }).click();
      await page.waitForURL(`${server.url}/account/api-keys`);
      await page.getByRole('button', { name: 'New API key' }).click();
      const dialog = page.getByRole('dialog', { name: 'New API key' });
      await dialog.getByLabel('Name').fill('e2e reader');
      await dialog.getByLabel('Role').selectOption('viewer');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      const shown = page.getByTestId('new-api-key');
      await shown.waitFor();
      const key = await shown.inputValue();
      assert.ok(key.length >= 20, `a real key was shown, got "${key}"`);
      const keyDialog = page.getByRole('dialog', { name: 'Copy your new API key' });
      assert.match(await keyDialog.textContent(), /it cannot be shown again/);
      assert.ok(await keyDialog.getByRole('button', { name: 'Copy' }).isVisible());
      await shot(page, 'api-key-created.png');
      await keyDialog.getByRole('button', { name: 'Done' }).click();
      await keyDialog.waitFor({ state: 'detached' });
      const keysTable = page.getByTestId('api-keys-table');
      await keysTable.getByRole('rowheader', { name: 'e2e reader' }).waitFor();
      const pageText = await page.locator('body').textContent();
      assert.ok(!pageText.includes(key), 'the key is not shown again');
      await shot(page, 'api-keys.png');
      await page.setViewportSize({ width: 390, height: 844 });
      await assertNoSidewaysOverflow(page, 'API keys at 390px');
      await shot(page, 'api-keys-390.png');
      await page.setViewportSize({ width: 1280, height: 800 });

      const withKey = await fetch(`${server.url}/api/v1/auth/me`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      assert.equal(withKey.status, 200);
      const keyMe = await withKey.json();
      assert.equal(keyMe.via, 'api_key');
      assert.equal(keyMe.user.username, kAdminUser);
      const withoutKey = await fetch(`${server.url}/api/v1/auth/me`);
      assert.equal(withoutKey.status, 401);

      // Audit log: what just happened is there, newest first, and the filters work.
      await nav.getByRole('link', { name: 'Audit log' }).click();
      await page.waitForURL(`${server.url}/admin/audit`);
      const entries = page.getByTestId('audit-entry');
      await entries.first().waitFor();
      const actions = await entries.evaluateAll((rows) => rows.map((r) => r.dataset.action));
      assert.ok(actions.includes('auth.login'), `audit actions: ${actions.join(', ')}`);
      const times = await page
        .locator('[data-testid="audit-entry"] time')
        .evaluateAll((els) => els.map((el) => el.getAttribute('datetime')));
      assert.deepEqual([...times].sort().reverse(), times, 'newest first');
      await shot(page, 'audit.png');
      await page.getByLabel('Action').fill('auth.');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="audit-entry"]')].every((row) =>
          row.getAttribute('data-action')?.startsWith('auth.'),
        ),
      );
      await page.setViewportSize({ width: 390, height: 844 });
      await assertNoSidewaysOverflow(page, 'Audit log at 390px');
      await shot(page, 'audit-390.png');
      await page.setViewportSize({ width: 1280, height: 800 });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${server.url}/login`);

      // The viewer: no Users or Audit log in the navigation, and the server refuses them.
      await signIn(page, server.url, kViewer.username, kViewer.password);
      await page.waitForURL(`${server.url}/`);
      assert.equal(await page.getByTestId('current-user-name').textContent(), kViewer.displayName);
      assert.equal(await page.getByTestId('current-user-role').textContent(), 'Viewer');
      assert.ok(await nav.getByRole('link', { name: 'Home' }).isVisible());
      assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), 0);
      assert.equal(await nav.getByRole('link', { name: 'Audit log' }).count(), 0);
      const forced = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
      assert.equal(forced, 403);
      await shot(page, 'viewer-home.png');

      assert.deepEqual(errors, [], 'no console errors');
    });
  },
);
