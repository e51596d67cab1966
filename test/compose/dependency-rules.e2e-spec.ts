import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { repoRoot } from './compose-file';

/**
 * The import rules of `.dependency-cruiser.cjs` (run by `npm run lint`) exist and bite: each case writes a
 * file that breaks one rule into the repository tree, cruises it with the project's configuration, and
 * expects that rule to be reported; a control file beside it, importing only what is allowed, must pass.
 */
const root = repoRoot;
const depcruise = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const tag = `depcruise-probe-${process.pid}`;

interface Probe {
  /** Path of the probe, relative to the repository root. */
  readonly file: string;
  /** The one import it makes. */
  readonly specifier: string;
  /** The rule it must break, or undefined for a control that must pass. */
  readonly rule: string | undefined;
}

const probes: readonly Probe[] = [
  {
    file: `libs/auth/src/${tag}-a.ts`,
    specifier: '../../../apps/identity-emulator/src/emulator',
    rule: 'auth-not-to-emulator',
  },
  {
    file: `libs/platform/src/${tag}-b.ts`,
    specifier: '../../../apps/bff/src/app.module',
    rule: 'libs-not-to-apps',
  },
  { file: `libs/auth/src/${tag}-c.ts`, specifier: '@chain/platform', rule: 'auth-not-to-platform' },
  {
    file: `libs/auth/src/${tag}-d.ts`,
    specifier: '@chain/testing',
    rule: 'auth-src-not-to-local-tenant-or-testing',
  },
  {
    file: `apps/bff/test/${tag}-e.ts`,
    specifier: '../../program-service/src/app.module',
    rule: 'apps-not-to-other-apps',
  },
  { file: `apps/web/src/spa/${tag}-f.ts`, specifier: '@chain/auth', rule: 'web-not-to-server-code' },
  { file: `apps/web/src/spa/${tag}-g.ts`, specifier: '@nestjs/common', rule: 'web-not-to-server-code' },
  {
    file: `apps/bff/src/${tag}-h.ts`,
    specifier: '../../../libs/auth/src/token-broker/single-flight',
    rule: 'no-deep-imports-across-parts',
  },
  {
    file: `apps/bff/src/${tag}-i.ts`,
    specifier: '@chain/auth/testing',
    rule: 'testing-entry-only-in-tests',
  },
  { file: `libs/contracts/src/${tag}-j.ts`, specifier: 'node:crypto', rule: 'contracts-are-types-only' },
  // controls: the same places, importing what the rules allow
  { file: `libs/auth/src/${tag}-ok1.ts`, specifier: './token-broker/single-flight', rule: undefined },
  { file: `libs/platform/src/${tag}-ok2.ts`, specifier: '@chain/auth', rule: undefined },
  { file: `apps/bff/test/${tag}-ok3.ts`, specifier: '@chain/testing', rule: undefined },
  { file: `apps/web/src/spa/${tag}-ok4.ts`, specifier: '@azure/msal-browser', rule: undefined },
  { file: `apps/bff/test/${tag}-ok5.ts`, specifier: '@chain/auth/testing', rule: undefined },
  { file: `apps/web/src/spa/${tag}-ok6.ts`, specifier: '@chain/contracts', rule: undefined },
];

interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
}

/** Runs depcruise as `npm run lint` does (the `err` reporter, whose exit status fails the lint). */
function cruise(paths: readonly string[]): {
  status: number | null;
  violations: Violation[];
  stderr: string;
} {
  const result = spawnSync(
    process.execPath,
    [depcruise, ...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'err', '--max-depth', '1'],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  const violations = [...result.stdout.matchAll(/^\s*error ([a-z-]+): (\S+) → (\S+)$/gm)].map(
    ([, rule, from, to]) => ({
      rule: rule!,
      from: from!,
      to: to!,
    }),
  );
  return { status: result.status, violations, stderr: result.stderr };
}

describe('import boundaries (.dependency-cruiser.cjs, part of npm run lint)', () => {
  it('reports every deliberate violation under its rule, and nothing for the allowed imports', () => {
    try {
      for (const probe of probes) {
        const path = join(root, probe.file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, `import * as probe from '${probe.specifier}';\n\nexport const used = probe;\n`);
      }
      const { status, violations, stderr } = cruise(probes.map((p) => p.file));

      expect(stderr).toBe('');
      expect(status).not.toBe(0); // depcruise fails the lint when any rule is broken
      for (const probe of probes) {
        const found = violations.filter((v) => v.from === probe.file).map((v) => v.rule);
        if (probe.rule === undefined)
          expect({ file: probe.file, rules: found }).toEqual({ file: probe.file, rules: [] });
        else
          expect({ file: probe.file, rules: found }).toEqual({
            file: probe.file,
            rules: expect.arrayContaining([probe.rule]),
          });
      }
    } finally {
      for (const probe of probes) rmSync(join(root, probe.file), { force: true });
    }
  });

  it('passes on the controls alone (the failure above comes from the rules, not from the probe files)', () => {
    const controls = probes.filter((p) => p.rule === undefined);
    try {
      for (const probe of controls) {
        writeFileSync(
          join(root, probe.file),
          `import * as probe from '${probe.specifier}';\n\nexport const used = probe;\n`,
        );
      }
      const { status, violations } = cruise(controls.map((p) => p.file));
      expect(violations).toEqual([]);
      expect(status).toBe(0);
    } finally {
      for (const probe of controls) rmSync(join(root, probe.file), { force: true });
    }
  });
});
