import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './compose-file';

/**
 * `npm run compose` (scripts/compose.mjs) checks, before Compose runs, what Compose would only answer with
 * "pull access denied": an image variable naming a stand-in that is not on the engine. With or without an
 * engine here, the message names the fix and the exit code is 2.
 */
function check(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.endsWith('_IMAGE')));
  return spawnSync(process.execPath, ['scripts/compose.mjs', '--', '--check', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
}

const engineAnswers = spawnSync('docker', ['version'], { stdio: 'ignore' }).status === 0;

describe('npm run compose: the preflight check', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'compose-preflight-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a stand-in image variable whose image is missing, naming the variable and the script that builds it', () => {
    const result = check([], { NODE_IMAGE: 'entra-api-chain/standin-node:no-such-tag' });
    expect(result.status).toBe(2);
    if (engineAnswers) {
      expect(result.stderr).toContain(
        'NODE_IMAGE=entra-api-chain/standin-node:no-such-tag is not on this Docker engine',
      );
      expect(result.stderr).toContain('scripts/build-standin-images.sh');
    } else {
      expect(result.stderr).toContain('no Docker engine answers: start one');
    }
  });

  it('reads the variables of --env-file, where the shell environment wins', () => {
    const file = join(dir, 'images.env');
    writeFileSync(file, '# stand-ins\nREDIS_IMAGE=entra-api-chain/standin-redis:no-such-tag\n');
    const fromFile = check(['--env-file', file]);
    expect(fromFile.status).toBe(2);
    if (engineAnswers)
      expect(fromFile.stderr).toContain('REDIS_IMAGE=entra-api-chain/standin-redis:no-such-tag');
    const overridden = check(['--env-file', file], { REDIS_IMAGE: 'redis:7-alpine' });
    expect(overridden.stderr).not.toContain('REDIS_IMAGE');
    if (engineAnswers) expect(overridden.status).toBe(0);
  });

  it('says which --env-file does not exist', () => {
    const result = check(['--env-file', join(dir, 'missing.env')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('missing.env: no such file');
  });
});
