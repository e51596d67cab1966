import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { build } from 'esbuild';

import { screenshotPath } from './support/artifacts';
import { type Chromium, hasChromium, launchChromium } from './support/chromium';
import { diagramLayoutProblems } from './support/layout-checks';

const describeWithChromium = hasChromium() ? describe : describe.skip;

const root = join(__dirname, '../..');

async function bundleFixture(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, 'support/inspector-fixture.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    tsconfig: join(root, 'apps/web/tsconfig.json'),
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describeWithChromium('the call-chain inspector layout', () => {
  let chromium: Chromium;

  beforeAll(async () => {
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('draws on-behalf-of, client-credentials, verified-delegation and second-hop arrows with every label readable', async () => {
    const page = await chromium.context.newPage();
    const css = readFileSync(join(root, 'apps/web/public/app.css'), 'utf8');
    await page.setContent(
      `<!doctype html><html><head><style>${css}</style></head><body><main class="workspace"><section id="root" class="card inspector"></section></main></body></html>`,
    );
    await page.addScriptTag({ content: await bundleFixture() });

    await page.click('[data-correlation-id="web-upload"] details.claims summary');
    await page.click('[data-correlation-id="web-b2c-upload"] details.claims summary');
    await page.screenshot({ path: screenshotPath('inspector-fixture'), fullPage: true });
    expect(await diagramLayoutProblems(page)).toEqual({
      cut: [],
      overlapping: [],
      detached: [],
      tooWide: [],
    });
    const flows = await page.$$eval('g.arrow', (arrows) =>
      arrows.map((a) => `${a.getAttribute('data-flow')}@${a.getAttribute('data-depth')}`),
    );
    expect(flows.filter((f) => f === 'on-behalf-of@1')).toHaveLength(3);
    expect(flows).toContain('client-credentials@1');
    expect(flows).toContain('on-behalf-of@2');
    expect(await page.textContent('[data-correlation-id="web-approve"]')).toContain('c1');
    expect(flows.filter((f) => f === 'verified-delegation@1')).toHaveLength(2);
    expect(flows).toContain('verified-delegation@2');
    const pills = await page.$$eval('[data-correlation-id="web-b2c-upload"] g.arrow text.t--pill', (ts) =>
      ts.map((t) => t.textContent),
    );
    expect(pills).toEqual(['user sign-in', 'verified delegation', 'verified delegation']);
    expect(await page.textContent('[data-correlation-id="web-b2c-upload"] details.claims')).toContain(
      'documents-service → program-service (user proof)',
    );
    await page.close();
  });
});
