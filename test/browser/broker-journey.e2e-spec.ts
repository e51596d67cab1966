import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { type Chain, type ChildApp, freePort, JWT_PATTERN, repoRoot, startChain } from '@chain/testing';
import type { Locator, Page } from 'playwright-core';

import { screenshotPath } from './support/artifacts';
import { type Chromium, hasChromium, launchChromium, spkiSha256 } from './support/chromium';
import { type DemoLogin, passEmulatorLogin } from './support/emulator-login';
import { diagramLayoutProblems } from './support/layout-checks';
import { registrationsWithRedirect, startWeb } from './support/web-app';

const describeWithChromium = hasChromium() ? describe : describe.skip;

const NO_LAYOUT_PROBLEMS = { cut: [], overlapping: [], detached: [], tooWide: [] };

describeWithChromium('a broker and an underwriter in Chromium, through the whole chain', () => {
  const root = repoRoot();
  const programmeName = `Browser e2e ${new Date().toISOString().slice(11, 19)}`;
  let tempDir: string;
  let chain: Chain;
  let web: ChildApp;
  let spaOrigin: string;
  let chromium: Chromium;
  let page: Page;

  const login = (name: string): DemoLogin => {
    const user = chain.registrations.users.find((u) => u.username.startsWith(`${name}@`));
    if (user === undefined) throw new Error(`no demo user ${name}`);
    return { username: user.username, password: user.password, otp: user.mfa?.code ?? '' };
  };
  const inspector = (): Locator => page.locator('[data-testid="inspector"]');
  /** Runs a UI action and waits until the inspector shows it finished (its traces looked up). */
  const act = async (label: string, click: () => Promise<void>): Promise<Locator> => {
    await click();
    const action = inspector().locator(`.action[data-action="${label}"][data-done="true"]`);
    await action.waitFor({ timeout: 30_000 });
    return action;
  };
  const arrows = async (action: Locator): Promise<string[]> =>
    action
      .locator('g.arrow')
      .evaluateAll((gs) =>
        gs.map(
          (g) => `${g.getAttribute('data-from')}→${g.getAttribute('data-to')} ${g.getAttribute('data-flow')}`,
        ),
      );

  beforeAll(async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'chain-browser-'));
    const port = await freePort();
    spaOrigin = `http://localhost:${port}`;
    chain = await startChain({
      label: 'browser',
      emulatorRegistrationsPath: await registrationsWithRedirect(root, tempDir, `${spaOrigin}/`),
      env: { bff: { CORS_ORIGINS: spaOrigin } },
    });
    web = await startWeb(root, chain, port);
    // Trust exactly the emulator's server key (what docs/web.md has people do once), not every certificate.
    const serverPem = await readFile(join(dirname(chain.caFile), 'server.pem'), 'utf8');
    chromium = await launchChromium({ trustedSpki: [spkiSha256(serverPem)] });
    page = await chromium.context.newPage();
  });

  afterAll(async () => {
    await chromium?.close();
    await web?.stop();
    await chain?.stop();
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  });

  it('signs alice in through the emulator with MSAL Browser (auth code + PKCE, redirect)', async () => {
    await page.goto(`${spaOrigin}/`);
    await page.screenshot({ path: screenshotPath('01-sign-in'), fullPage: true });
    await page.click(`[data-user="${login('alice').username}"]`);
    await passEmulatorLogin(page, spaOrigin, login('alice'));
    await expect(page.locator('[data-testid="signed-in-user"]').textContent()).resolves.toContain('Alice');
    await inspector().locator('.action[data-action="List programmes"][data-done="true"]').waitFor();
  });

  it('creates a programme', async () => {
    await page.fill('form.create input[name="name"]', programmeName);
    await page.selectOption('form.create select[name="lineOfBusiness"]', 'marine');
    const action = await act('Create programme', () => page.click('form.create button[type="submit"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain(`created ${programmeName}`);
    await expect(page.locator('[data-testid="programme-detail"] h2').textContent()).resolves.toBe(
      programmeName,
    );
    expect(await arrows(action)).toEqual(['spa→bff auth-code', 'bff→program-service on-behalf-of']);
  });

  it('gets a quote: one on-behalf-of arrow to program-service, one client-credentials arrow to pricing-service', async () => {
    const action = await act('Get quote', () => page.click('[data-testid="get-quote"]'));
    await expect(page.locator('[data-testid="quote"]').textContent()).resolves.toMatch(/Quote: [\d,.]+ GBP/);
    expect(await arrows(action)).toEqual([
      'spa→bff auth-code',
      'bff→program-service on-behalf-of',
      'bff→pricing-service client-credentials',
    ]);
    const pricing = action.locator('g.node[data-name="pricing-service"]');
    await expect(pricing.textContent()).resolves.toContain('Pricing.Read.All');
    await expect(action.locator('g.node[data-name="program-service"]').textContent()).resolves.toContain(
      'Program.ReadWrite',
    );
    await page.screenshot({ path: screenshotPath('02-quote'), fullPage: true });
    await inspector().screenshot({ path: screenshotPath('inspector-quote') });
    expect(await diagramLayoutProblems(page)).toEqual(NO_LAYOUT_PROBLEMS);
  });

  it('uploads a document: on behalf of alice to documents-service, which calls program-service on her behalf (2nd hop)', async () => {
    await page.setInputFiles('input[type="file"]', {
      name: 'schedule.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Schedule of values\nWarehouse, Rotterdam: 2,500,000 GBP\n'),
    });
    const action = await act('Upload document', () => page.click('[data-testid="upload"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('uploaded schedule.txt');
    expect(await arrows(action)).toEqual([
      'spa→bff auth-code',
      'bff→documents-service on-behalf-of',
      'documents-service→program-service on-behalf-of',
    ]);
    const secondHop = action.locator('g.arrow[data-from="documents-service"][data-depth="2"]');
    await expect(secondHop.textContent()).resolves.toContain('on behalf of');
    await expect(action.locator('g.node[data-name="program-service"]').textContent()).resolves.toContain(
      'Program.Read',
    );
    await page.screenshot({ path: screenshotPath('03-upload-second-hop'), fullPage: true });
    await inspector().screenshot({ path: screenshotPath('inspector-upload') });
    expect(await diagramLayoutProblems(page)).toEqual(NO_LAYOUT_PROBLEMS);
  });

  it('downloads the document byte for byte and never puts a raw token in the page', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="download"]'),
    ]);
    const path = await download.path();
    await expect(readFile(path, 'utf8')).resolves.toContain('Warehouse, Rotterdam');
    await inspector().locator('.action[data-action="Download document"][data-done="true"]').waitFor();
    expect(await page.content()).not.toMatch(JWT_PATTERN);
  });

  it('deletes the document, again through documents-service and its check at program-service', async () => {
    const action = await act('Delete document', () => page.click('[data-testid="delete"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('deleted schedule.txt');
    await expect(page.locator('[data-document="schedule.txt"]').count()).resolves.toBe(0);
    expect(await arrows(action)).toEqual([
      'spa→bff auth-code',
      'bff→documents-service on-behalf-of',
      'documents-service→program-service on-behalf-of',
    ]);
  });

  it('submits the programme and signs alice out', async () => {
    const action = await act('Submit programme', () => page.click('[data-testid="submit"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('is submitted');
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL((url) => url.origin === spaOrigin && url.pathname === '/');
    await page.locator(`[data-user="${login('uma').username}"]`).waitFor();
  });

  it('lets uma approve only after the step-up: claims challenge, second factor at the emulator, retry', async () => {
    await page.click(`[data-user="${login('uma').username}"]`);
    await passEmulatorLogin(page, spaOrigin, login('uma'));
    await inspector().locator('.action[data-action="List programmes"][data-done="true"]').waitFor();
    await act('Open programme', () => page.click(`[data-programme="${programmeName}"]`));

    await page.click('[data-testid="approve"]');
    const { secondFactor } = await passEmulatorLogin(page, spaOrigin, login('uma'), () =>
      page
        .screenshot({ path: screenshotPath('04-step-up-second-factor'), fullPage: true })
        .then(() => undefined),
    );
    expect(secondFactor).toBe(true);

    const action = inspector().locator('.action[data-action="Approve (after step-up)"][data-done="true"]');
    await action.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="status"]').textContent()).resolves.toBe('approved');
    await page.screenshot({ path: screenshotPath('05-approved-after-step-up'), fullPage: true });
    // The inspector shows both requests: the one program-service challenged, and the retry.
    const [challenged, retried] = [action.locator('svg.chain').first(), action.locator('svg.chain').last()];
    await expect(action.locator('svg.chain').count()).resolves.toBe(2);
    await expect(challenged.locator('g.arrow[data-to="program-service"]').textContent()).resolves.toContain(
      '401',
    );
    await expect(challenged.locator('g.arrow[data-to="bff"]').textContent()).resolves.toContain('401');
    await expect(challenged.locator('g.node[data-name="bff"]').textContent()).resolves.toMatch(/amr\s*pwd$/m);
    await expect(retried.locator('g.node[data-name="program-service"]').textContent()).resolves.toMatch(
      /acrs\s*c1/,
    );
    await expect(retried.locator('g.node[data-name="bff"]').textContent()).resolves.toMatch(/amr\s*pwd mfa/);
    expect(await diagramLayoutProblems(page)).toEqual(NO_LAYOUT_PROBLEMS);
  });
});
