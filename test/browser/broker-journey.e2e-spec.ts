import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { IdentityMode } from '@chain/local-tenant';
import { type Chain, type ChildApp, freePort, JWT_PATTERN, repoRoot, startChain } from '@chain/testing';
import type { Locator, Page } from 'playwright-core';

import { screenshotPath } from './support/artifacts';
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
  const signInAs = async (name: string): Promise<void> => {
    await page.click(`[data-user="${login(name).username}"]`);
    await passEmulatorLogin(page, spaOrigin, login(name));
    await expect(page.locator('[data-testid="signed-in-user"]').textContent()).resolves.toContain(
      login(name).username,
    );
    await inspector().locator('.action[data-action="List programmes"][data-done="true"]').waitFor();
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
    await signInAs('alice');
    await expect(page.locator('[data-testid="signed-in-user"]').textContent()).resolves.toContain('Alice');
  });

  it('creates a programme', async () => {
    await page.fill('form.create input[name="name"]', programmeName);
    await page.selectOption('form.create select[name="lineOfBusiness"]', 'marine');
    const action = await act('Create programme', () => page.click('form.create button[type="submit"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain(`created ${programmeName}`);
    await expect(page.locator('[data-testid="programme-detail"] h2').textContent()).resolves.toBe(
      programmeName,
    );
    expect(await arrows(action)).toEqual(['spa→bff auth-code', `bff→program-service ${expected.userFlow}`]);
    programmeId = (await page.locator('[data-fact="Reference"]').textContent()) ?? '';
    expect(programmeId).toMatch(/\S/);
  });

  it('gets a quote that combines the flows: the user-carrying one to program-service, client credentials to pricing-service', async () => {
    const action = await act('Get quote', () => page.click('[data-testid="get-quote"]'));
    await expect(page.locator('[data-testid="quote"]').textContent()).resolves.toMatch(/Quote: [\d,.]+ GBP/);
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
    await inspector().screenshot({ path: shot('inspector-quote') });
    expect(await diagramLayoutProblems(page)).toEqual(NO_LAYOUT_PROBLEMS);
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
    const action = await act('Delete document', () => page.click('[data-testid="delete"]'));
    await expect(action.locator('.outcome').textContent()).resolves.toContain('deleted schedule.txt');
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
    await signOut();
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
    await signInAs('uma');
    await act('Open programme', () => page.click(`[data-programme="${programmeName}"]`));

    await page.click('[data-testid="approve"]');
    const { secondFactor } = await passEmulatorLogin(page, spaOrigin, login('uma'), () =>
      page.screenshot({ path: shot('06-step-up-second-factor'), fullPage: true }).then(() => undefined),
    );
    expect(secondFactor).toBe(true);

    const action = inspector().locator('.action[data-action="Approve (after step-up)"][data-done="true"]');
    await action.waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="status"]').textContent()).resolves.toBe('approved');
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
  });
});
