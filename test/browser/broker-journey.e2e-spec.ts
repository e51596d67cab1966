import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { IdentityMode } from '@chain/local-tenant';
import { type Chain, type ChildApp, freePort, JWT_PATTERN, repoRoot, startChain } from '@chain/testing';
import type { Locator, Page } from 'playwright-core';

import { screenshotPath } from './support/artifacts';
import { seriousAccessibilityViolations } from './support/axe';
import { type Chromium, hasChromium, launchChromium, spkiSha256 } from './support/chromium';
import { type DemoLogin, passEmulatorLogin } from './support/emulator-login';
import {
  identityModeOfRun,
  type JourneyExpectations,
  journeyExpectations,
} from './support/journey-expectations';
import { diagramLayoutProblems } from './support/layout-checks';
import { registrationsWithRedirect, startWeb } from './support/web-app';

const describeWithChromium = hasChromium() ? describe : describe.skip;

const NO_LAYOUT_PROBLEMS = { cut: [], overlapping: [], detached: [], tooWide: [] };

/** The same journeys in each identity mode: scripts/test.mjs runs this file once per IDENTITY_MODE. */
const mode = identityModeOfRun();

describeWithChromium(`a broker and an underwriter in Chromium, through the whole chain (${mode})`, () => {
  const root = repoRoot();
  const programmeName = `Browser e2e ${mode} ${new Date().toISOString().slice(11, 19)}`;
  let tempDir: string;
  let chain: Chain;
  let web: ChildApp;
  let spaOrigin: string;
  let chromium: Chromium;
  let page: Page;
  let expected: JourneyExpectations;
  /** The reference of alice's programme, which bob then asks for. */
  let programmeId: string;
  /** Every response of the SPA's own origin that was a 404 (the favicon was one on every page). */
  const missing: string[] = [];
  /** The Idempotency-Key of each write the SPA sent, in order. */
  const writes: { method: string; path: string; key: string | undefined }[] = [];

  /** A demo user by the first word of the name (`alice`, `dana`), with her password and second factor. */
  const login = (name: string): DemoLogin => {
    const user = chain.registrations.users.find((u) => u.displayName.toLowerCase().startsWith(`${name} `));
    if (user === undefined) throw new Error(`no demo user ${name} in the ${mode} registrations`);
    return {
      username: user.username,
      password: user.password,
      otp: user.mfa?.code ?? '',
      ...(user.identityProvider === undefined ? {} : { identityProvider: user.identityProvider }),
    };
  };
  const shot = (name: string): string => screenshotPath(`${mode}-${name}`);
  /** Signs in and waits until the page's first actions finished (`lastAction`: the one the inspector then shows). */
  const signInAs = async (name: string, lastAction = 'List programmes'): Promise<void> => {
    await page.click(`[data-user="${login(name).username}"]`);
    await passEmulatorLogin(page, spaOrigin, login(name));
    await expect(page.locator('[data-testid="signed-in-user"]').textContent()).resolves.toContain(
      login(name).username,
    );
    await inspector().locator(`.action[data-action="${lastAction}"][data-done="true"]`).waitFor();
  };
  const signOut = async (): Promise<void> => {
    await page.click('[data-testid="sign-out"]');
    await page.waitForURL((url) => url.origin === spaOrigin && url.pathname === '/');
    await page.locator('[data-testid="mode-summary"]').waitFor();
  };
  const inspector = (): Locator => page.locator('[data-testid="inspector"]');
  /** Runs a UI action and waits until the inspector shows it finished (its traces looked up). */
  const act = async (label: string, click: () => Promise<void>): Promise<Locator> => {
    await click();
    const action = inspector().locator(`.action[data-action="${label}"][data-done="true"]`);
    await action.waitFor({ timeout: 30_000 });
    return action;
  };
  /** The pill of each arrow: the flow's name as the inspector labels it. */
  const pills = (action: Locator): Promise<string[]> =>
    action.locator('g.arrow text.t--pill').allTextContents();
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
    const registrationsPath = await registrationsWithRedirect(root, tempDir, `${spaOrigin}/`, mode);
    chain = await startChain({
      label: `browser-${mode}`,
      identityMode: mode,
      registrationsPath,
      env: { bff: { CORS_ORIGINS: spaOrigin } },
    });
    expected = journeyExpectations(mode, chain.registrations);
    web = await startWeb(root, chain, port, { mode, registrationsPath });
    // Trust exactly the emulator's server key (what docs/web.md has people do once), not every certificate.
    const serverPem = await readFile(join(dirname(chain.caFile), 'server.pem'), 'utf8');
    chromium = await launchChromium({ trustedSpki: [spkiSha256(serverPem)] });
    page = await chromium.context.newPage();
    watch(page);
  });

  /** Records 404s of the SPA's origin and the Idempotency-Key of each write to the BFF. */
  const watch = (p: Page): void => {
    p.on('response', (res) => {
      if (res.status() === 404 && new URL(res.url()).origin === spaOrigin) missing.push(res.url());
    });
    p.on('request', (req) => {
      if (req.method() === 'GET' || req.method() === 'OPTIONS' || !req.url().startsWith(chain.url('bff')))
        return;
      writes.push({
        method: req.method(),
        path: new URL(req.url()).pathname,
        key: req.headers()['idempotency-key'],
      });
    });
  };
  /** Zero serious or critical accessibility violations on the screen as it is now. */
  const expectAccessible = async (p: Page = page): Promise<void> => {
    expect(await seriousAccessibilityViolations(p)).toEqual([]);
  };
  const focusedId = (p: Page = page): Promise<string> => p.evaluate(() => document.activeElement?.id ?? '');
  const announced = (p: Page = page): Promise<string> =>
    p.locator('[data-testid="announcer"]').evaluate(async (el) => {
      await new Promise((r) => setTimeout(r, 120));
      return el.textContent ?? '';
    });

  afterAll(async () => {
    await chromium?.close();
    await web?.stop();
    await chain?.stop();
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  });

  it('signs alice in through the emulator with MSAL Browser (auth code + PKCE, redirect), the header naming the mode', async () => {
    await page.goto(`${spaOrigin}/`);
    await expect(page.getAttribute('[data-testid="identity-mode"]', 'data-mode')).resolves.toBe(mode);
    await page.screenshot({ path: shot('01-sign-in'), fullPage: true });
    await expect(page.locator('[data-testid="token-service-help"]').count()).resolves.toBe(0);
    await expectAccessible();
    await signInAs('alice');
    await expect(page.locator('[data-testid="signed-in-user"]').textContent()).resolves.toContain('Alice');
    await expectAccessible();
  });

  it('keeps what was typed when the chain refuses it, and says why beside the field, through the live region', async () => {
    await page.fill('form.create input[name="name"]', programmeName);
    await page.selectOption('form.create select[name="lineOfBusiness"]', 'marine');
    await page.fill('form.create input[name="insuredValue"]', '1e20');
    await act('Create programme', () => page.click('form.create button[type="submit"]'));
    const error = page.locator('form.create [data-testid="error-create"]');
    await expect(error.textContent()).resolves.toBe('Insured value can be at most 1,000,000,000,000.');
    await expect(page.inputValue('form.create input[name="name"]')).resolves.toBe(programmeName);
    await expect(page.inputValue('form.create select[name="lineOfBusiness"]')).resolves.toBe('marine');
    await expect(page.inputValue('form.create input[name="insuredValue"]')).resolves.toBe('1e20');
    await expect(page.getAttribute('form.create input[name="insuredValue"]', 'aria-invalid')).resolves.toBe(
      'true',
    );
    await expect(page.evaluate(() => document.activeElement?.getAttribute('name'))).resolves.toBe(
      'insuredValue',
    );
    await expect(announced()).resolves.toBe('Insured value can be at most 1,000,000,000,000.');
    await page.screenshot({ path: shot('01b-error-beside-field'), fullPage: true });
    await expectAccessible();
  });

  it('sends one Idempotency-Key per user action and the same one again when the user retries it', async () => {
    await page.fill('form.create input[name="insuredValue"]', '1000000');
    // The first attempt is lost on the way (as a dropped connection would be): the BFF never sees it.
    await page.route(`${chain.url('bff')}/api/programmes`, (route) => route.abort('connectionreset'), {
      times: 1,
    });
    await act('Create programme', () => page.click('form.create button[type="submit"]'));
    await expect(page.locator('[data-testid="error-create"]').textContent()).resolves.toContain(
      'could not reach the server',
    );
    await expect(page.inputValue('form.create input[name="name"]')).resolves.toBe(programmeName);
    const creates = () => writes.filter((w) => w.method === 'POST' && w.path === '/api/programmes');
    expect(creates()).toHaveLength(2);
  });

  it('creates the programme on the retry, which carries the same key; the programme gets its own address', async () => {
    const action = await act('Create programme', () => page.click('form.create button[type="submit"]'));
    const creates = writes.filter((w) => w.method === 'POST' && w.path === '/api/programmes');
    expect(creates).toHaveLength(3);
    const [refused, lost, retried] = creates.map((w) => w.key);
    expect(lost).toMatch(/^[0-9a-f-]{36}$/);
    expect(retried).toBe(lost);
    expect(refused).not.toBe(lost);
    await expect(page.locator('[data-testid="error-create"]').count()).resolves.toBe(0);
    await expect(focusedId()).resolves.toBe('detail-heading');
    await expect(action.locator('.outcome').textContent()).resolves.toContain(`created ${programmeName}`);
    await expect(page.locator('[data-testid="programme-detail"] h2').textContent()).resolves.toBe(
      programmeName,
    );
    expect(await arrows(action)).toEqual(['spa→bff auth-code', `bff→program-service ${expected.userFlow}`]);
    programmeId = (await page.locator('[data-fact="Reference"]').textContent()) ?? '';
    expect(programmeId).toMatch(/\S/);
    expect(new URL(page.url()).pathname).toBe(`/programmes/${programmeId}`);
    await expect(page.locator('[data-fact="Created by"]').textContent()).resolves.toBe('Alice Broker (you)');
    await expect(page.locator('[data-testid="documents-empty"]').count()).resolves.toBe(1);
    await expectAccessible();
  });

  it('gets a quote that combines the flows: the user-carrying one to program-service, client credentials to pricing-service', async () => {
    const action = await act('Get quote', () => page.click('[data-testid="get-quote"]'));
    await expect(page.locator('[data-testid="quote"]').textContent()).resolves.toMatch(/Quote: [\d,.]+ GBP/);
    // marine, uk: 2.1 per mille of 1,000,000 = 2,100, below the line's minimum premium, which applies.
    await expect(page.locator('[data-testid="quote-basis"]').textContent()).resolves.toMatch(
      /^5,000 GBP: the minimum premium for marine/,
    );
    await expect(focusedId()).resolves.toBe('quote');
    await expectAccessible();
    expect(await arrows(action)).toEqual([
      'spa→bff auth-code',
      `bff→program-service ${expected.userFlow}`,
      'bff→pricing-service client-credentials',
    ]);
    await expect(pills(action)).resolves.toEqual([
      'user sign-in',
      expected.userFlowLabel,
      'client credentials',
    ]);
    const pricing = action.locator('g.node[data-name="pricing-service"]');
    await expect(pricing.textContent()).resolves.toContain('Pricing.Read.All');
    const program = await action.locator('g.node[data-name="program-service"]').textContent();
    for (const fact of expected.programFromBff) expect(program).toContain(fact);
    await page.screenshot({ path: shot('02-quote'), fullPage: true });
    await page.screenshot({ path: screenshotPath('portal-1440'), fullPage: false });
    await inspector().screenshot({ path: shot('inspector-quote') });
    expect(await diagramLayoutProblems(page)).toEqual(NO_LAYOUT_PROBLEMS);
  });

  it("offers Upload only once a file is chosen, and says a too-large file's limit in MB beside it", async () => {
    await expect(page.isDisabled('[data-testid="upload"]')).resolves.toBe(true);
    await page.setInputFiles('input[type="file"]', {
      name: 'too-large.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
    });
    await expect(page.isDisabled('[data-testid="upload"]')).resolves.toBe(false);
    await act('Upload document', () => page.click('[data-testid="upload"]'));
    const error = await page.locator('[data-testid="error-upload"]').textContent();
    expect(error).toBe('The file is too large: a document can be at most 10 MB.');
    await expect(announced()).resolves.toBe(error);
    await expectAccessible();
  });

  it('uploads a document: to documents-service for alice, which asks program-service for her in turn (2nd hop)', async () => {
    await page.setInputFiles('input[type="file"]', {
      name: 'schedule.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Schedule of values\nWarehouse, Rotterdam: 2,500,000 GBP\n'),
    });
    const action = await act('Upload document', () => page.click('[data-testid="upload"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('uploaded schedule.txt');
    expect(await arrows(action)).toEqual([
      'spa→bff auth-code',
      `bff→documents-service ${expected.userFlow}`,
      `documents-service→program-service ${expected.userFlow}`,
    ]);
    const secondHop = action.locator('g.arrow[data-from="documents-service"][data-depth="2"]');
    await expect(secondHop.textContent()).resolves.toContain(expected.userFlowLabel);
    const program = await action.locator('g.node[data-name="program-service"]').textContent();
    for (const fact of expected.programFromDocuments) expect(program).toContain(fact);
    await page.screenshot({ path: shot('03-upload-second-hop'), fullPage: true });
    await inspector().screenshot({ path: shot('inspector-upload') });
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
    await page.click('[data-testid="delete"]');
    // One click asks; nothing is deleted until the user confirms.
    await page.locator('[data-testid="delete-confirmation"]').waitFor();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
      'cancel-delete',
    );
    await expectAccessible();
    await expect(page.locator('[data-document="schedule.txt"]').count()).resolves.toBe(1);
    const action = await act('Delete document', () => page.click('[data-testid="confirm-delete"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('deleted schedule.txt');
    await expect(page.locator('[data-testid="documents-empty"]').count()).resolves.toBe(1);
    await expect(focusedId()).resolves.toBe('documents-heading');
    await expect(page.locator('[data-document="schedule.txt"]').count()).resolves.toBe(0);
    expect(await arrows(action)).toEqual([
      'spa→bff auth-code',
      `bff→documents-service ${expected.userFlow}`,
      `documents-service→program-service ${expected.userFlow}`,
    ]);
  });

  it('submits the programme and signs alice out', async () => {
    const action = await act('Submit programme', () => page.click('[data-testid="submit"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('is submitted');
    // A broker cannot approve: no button that can only fail, a sentence instead.
    await expect(page.locator('[data-testid="approve"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="approve-unavailable"]').count()).resolves.toBe(1);
    await page.setInputFiles('input[type="file"]', {
      name: 'slip.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Broker slip\n'),
    });
    await act('Upload document', () => page.click('[data-testid="upload"]'));
    const uploads = writes.filter((w) => w.path.endsWith('/documents')).map((w) => w.key);
    expect(new Set(uploads).size).toBe(uploads.length);
    // The skip link is the first tab stop and takes the keyboard to the main content.
    await page.reload();
    await inspector().locator('.action[data-action="Open programme"][data-done="true"]').waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe('skip-link');
    await page.keyboard.press('Enter');
    await expect(focusedId()).resolves.toBe('main');
    await signOut();
    expect(new URL(page.url()).search).toBe('');
  });

  it("shows bob, a broker of another brokerage, 404 for alice's programme: program-service applies the rule to him", async () => {
    await signInAs('bob');
    await expect(page.locator(`[data-programme="${programmeName}"]`).count()).resolves.toBe(0);
    await page.fill('form.open-by-reference input[name="reference"]', programmeId);
    const action = await act('Open programme', () => page.click('[data-testid="open-by-reference"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toMatch(/ 404 /);
    const toProgram = action.locator(`g.arrow[data-to="program-service"][data-flow="${expected.userFlow}"]`);
    await expect(toProgram.first().textContent()).resolves.toContain('404');
    await expect(page.locator('[data-testid="programme-detail"]').count()).resolves.toBe(0);
    await page.screenshot({ path: shot('04-bob-not-found'), fullPage: true });
    // The same by its address: a reload of /programmes/<id> answers "not found" and shows no data.
    await page.goto(`${spaOrigin}/programmes/${programmeId}`);
    await page.locator('[data-testid="not-found"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="not-found"] h2').textContent()).resolves.toBe(
      'Programme not found',
    );
    await expect(page.locator('[data-testid="programme-detail"]').count()).resolves.toBe(0);
    await expect(page.locator('main').textContent()).resolves.not.toContain(programmeName);
    await expectAccessible();
    await signOut();
  });

  if (mode === IdentityMode.B2c) {
    it('signs dana in through her social identity provider (google.com) and lets her use the chain', async () => {
      const dana = login('dana');
      expect(dana.identityProvider).toBe('google.com');
      await signInAs('dana');
      await expect(page.locator('[data-testid="signed-in-user"]').textContent()).resolves.toContain(
        'via google.com',
      );
      // A broker of alice's brokerage: program-service applies the same rule to the federated user.
      await expect(page.locator(`[data-programme="${programmeName}"]`).count()).resolves.toBe(1);
      await page.fill('form.create input[name="name"]', `${programmeName} (dana)`);
      const action = await act('Create programme', () => page.click('form.create button[type="submit"]'));
      await expect(action.locator('.outcome').textContent()).resolves.toContain('created');
      await expect(action.locator('g.node[data-name="bff"]').textContent()).resolves.toMatch(
        /idp\s*google\.com/,
      );
      await expect(action.locator('g.node[data-name="program-service"]').textContent()).resolves.toMatch(
        /user idp\s*google\.com/,
      );
      expect(await arrows(action)).toEqual(['spa→bff auth-code', `bff→program-service ${expected.userFlow}`]);
      await page.screenshot({ path: shot('05-social-user'), fullPage: true });
      await signOut();
    });
  }

  it('lets uma approve only after the step-up: challenge, second factor at the emulator, retry', async () => {
    // A programme's address survives the sign-in: uma follows a link while signed out.
    await page.goto(`${spaOrigin}/programmes/${programmeId}`);
    await signInAs('uma', 'Open programme');
    await page.locator('[data-testid="programme-detail"]').waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="programme-detail"] h2').textContent()).resolves.toBe(
      programmeName,
    );
    expect(new URL(page.url()).pathname).toBe(`/programmes/${programmeId}`);
    // Controls from her role and ownership: no "New programme", no Delete on alice's document.
    await expect(page.locator('[data-testid="create-unavailable"]').count()).resolves.toBe(1);
    await expect(page.locator('form.create').count()).resolves.toBe(0);
    await expect(page.locator('[data-document="slip.txt"] [data-testid="delete"]').count()).resolves.toBe(0);
    await expect(
      page.locator('[data-document="slip.txt"] [data-testid="delete-unavailable"]').count(),
    ).resolves.toBe(1);
    await expect(page.locator('[data-fact="Created by"]').textContent()).resolves.toBe('Alice Broker');
    await expectAccessible();

    await page.click('[data-testid="approve"]');
    const { secondFactor } = await passEmulatorLogin(page, spaOrigin, login('uma'), () =>
      page.screenshot({ path: shot('06-step-up-second-factor'), fullPage: true }).then(() => undefined),
    );
    expect(secondFactor).toBe(true);

    const action = inspector().locator('.action[data-action="Approve (after step-up)"][data-done="true"]');
    await action.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="status"]').textContent()).resolves.toBe('approved');
    // The list says what the detail says, and the approver is a name.
    await expect(
      page.locator(`[data-programme="${programmeName}"] [data-testid="list-status"]`).textContent(),
    ).resolves.toBe('approved');
    await expect(page.locator('[data-fact="Approved by"]').textContent()).resolves.toBe(
      'Uma Underwriter (you)',
    );
    await page.screenshot({ path: shot('07-approved-after-step-up'), fullPage: true });
    // The inspector shows both requests: the one program-service challenged, and the retry.
    const [challenged, retried] = [action.locator('svg.chain').first(), action.locator('svg.chain').last()];
    await expect(action.locator('svg.chain').count()).resolves.toBe(2);
    await expect(challenged.locator('g.arrow[data-to="program-service"]').textContent()).resolves.toContain(
      '401',
    );
    await expect(challenged.locator('g.arrow[data-to="bff"]').textContent()).resolves.toContain('401');
    await expect(challenged.locator('g.node[data-name="bff"]').textContent()).resolves.toMatch(
      expected.stepUp.before,
    );
    await expect(retried.locator('g.node[data-name="bff"]').textContent()).resolves.toMatch(
      expected.stepUp.after,
    );
    if (expected.stepUp.programAfter !== undefined)
      await expect(retried.locator('g.node[data-name="program-service"]').textContent()).resolves.toMatch(
        expected.stepUp.programAfter,
      );
    expect(await diagramLayoutProblems(page)).toEqual(NO_LAYOUT_PROBLEMS);
    await signOut();
  });

  it('runs the main journey at 390 px (and fits 360 px): one column, nothing wider than the screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
    await expect(pageWidth()).resolves.toBeLessThanOrEqual(390);
    await signInAs('alice');
    await expect(pageWidth()).resolves.toBeLessThanOrEqual(390);
    await page.fill('form.create input[name="name"]', `${programmeName} (390)`);
    await act('Create programme', () => page.click('form.create button[type="submit"]'));
    await act('Get quote', () => page.click('[data-testid="get-quote"]'));
    await page.setInputFiles('input[type="file"]', {
      name: 'schedule-of-values-with-a-long-file-name.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Schedule of values\n'),
    });
    await act('Upload document', () => page.click('[data-testid="upload"]'));
    await expect(pageWidth()).resolves.toBeLessThanOrEqual(390);
    await expectAccessible();
    await page.locator('[data-testid="programme-detail"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('portal-390') });
    await page.screenshot({ path: shot('08-390px'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 780 });
    await expect(pageWidth()).resolves.toBeLessThanOrEqual(360);
    await signOut();
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('never asks its own origin for something it does not have (the favicon was a 404 on every page)', () => {
    expect(missing).toEqual([]);
  });

  it('tells a browser that does not trust the local CA what to do, before anyone clicks "Sign in"', async () => {
    const untrusting = await launchChromium();
    try {
      const fresh = await untrusting.context.newPage();
      await fresh.goto(`${spaOrigin}/`);
      const help = fresh.locator('[data-testid="token-service-help"]');
      await help.waitFor({ timeout: 30_000 });
      await expect(help.textContent()).resolves.toContain('does not trust its certificate');
      await expect(fresh.getAttribute('[data-testid="emulator-link"]', 'href')).resolves.toBe(
        `${chain.emulatorUrl}/`,
      );
      await expect(fresh.isDisabled(`[data-user="${login('alice').username}"]`)).resolves.toBe(true);
      await expect(focusedId(fresh)).resolves.toBe('token-service-help');
      await expect(announced(fresh)).resolves.toContain('cannot be reached');
      await expectAccessible(fresh);
      await fresh.screenshot({ path: screenshotPath('portal-untrusted-ca'), fullPage: true });
    } finally {
      await untrusting.close();
    }
  });
});
