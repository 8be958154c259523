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

const kTestTimeoutMs = 120_000;

const options = { timeout: kTestTimeoutMs };

test('home page shows the product, the server version and readiness', options, async () => {
  await withServerAndBrowser(async ({ server, browser }) => {
    const apiVersion = await (await fetch(`${server.url}/api/v1/version`)).json();
    assert.equal(apiVersion.name, 'batuta');

    const { page, errors, httpErrors } = await newPage(browser, {
      viewport: { width: 1280, height: 800 },
    });
    const response = await page.goto(server.url);
    assert.equal(response?.status(), 200);
    assert.equal(await page.title(), 'batuta');

    // Without a session the app asks for one first, then comes back here.
    await page.waitForURL(`${server.url}/login`);
    await signIn(page, server.url);
    await page.waitForURL(`${server.url}/`);

    await page.locator('[data-testid="server-version"][data-state="ok"]').waitFor();
    await page.locator('[data-testid="server-readiness"][data-state="ok"]').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'batuta');
    assert.equal(await page.locator('header .brand').textContent(), 'batuta');
    assert.equal(await page.getByTestId('server-version').textContent(), apiVersion.version);
    assert.equal(await page.getByTestId('server-readiness').textContent(), 'ready');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.ok(await nav.getByRole('link', { name: 'Home' }).isVisible());
    await page.screenshot({ path: join(artifactsDir, 'home.png'), fullPage: true });

    // Narrow phone width: nothing may overflow sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await assertNoSidewaysOverflow(page, 'Home at 390px');
    await page.screenshot({ path: join(artifactsDir, 'home-390.png'), fullPage: true });

    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(httpErrors, ['401 /api/v1/auth/me'], 'only the check for a session failed');
  });
});

test("an unknown client route shows the app's not-found page", options, async () => {
  await withServerAndBrowser(async ({ server, browser }) => {
    const { page, errors } = await newPage(browser);
    const response = await page.goto(`${server.url}/some/client/route`);
    assert.equal(response?.status(), 200, 'the server serves index.html for unknown non-API paths');

    // Signing in returns to the page that was asked for.
    await page.waitForURL(`${server.url}/login`);
    await signIn(page, server.url);
    await page.waitForURL(`${server.url}/some/client/route`);

    const notFound = page.getByTestId('not-found');
    await notFound.waitFor();
    assert.equal(await notFound.getByRole('heading').textContent(), 'Page not found');
    assert.equal(await notFound.locator('code').textContent(), '/some/client/route');
    await page.screenshot({ path: join(artifactsDir, 'not-found.png') });

    // Client-side navigation back home, without a page load.
    await notFound.getByRole('link', { name: 'Back to Home' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.locator('[data-testid="server-readiness"][data-state="ok"]').waitFor();
    assert.equal(await page.getByTestId('server-readiness').textContent(), 'ready');

    assert.deepEqual(errors, [], 'no console errors');
  });
});
