import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchChildApp, listeningUrlOf } from './child-app';
import { baseChildEnv } from './child-env.config';

const LISTENING_APP = `
  process.stdout.write(JSON.stringify({ level: 30, msg: 'listening', url: 'http://127.0.0.1:4321' }) + '\\n');
  console.error('ready on stderr');
  setInterval(() => undefined, 1000);
`;

/** Resolves once `file` contains `text` (the child's line reached the log), or fails after `timeoutMs`. */
async function logContains(file: string, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const read = (): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  while (!read().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" did not reach ${file} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('listeningUrlOf', () => {
  it('reads the url of the pino listening line', () => {
    expect(listeningUrlOf('{"level":30,"msg":"listening","url":"http://127.0.0.1:3001"}')).toBe(
      'http://127.0.0.1:3001',
    );
  });

  it('ignores other lines that mention listening', () => {
    expect(listeningUrlOf('{"msg":"not \\"listening\\" yet"}')).toBeUndefined();
    expect(listeningUrlOf('"listening" but not JSON')).toBeUndefined();
  });
});

describe('launchChildApp', () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'child-app-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves with the announced URL, writes both streams to the log and stops the process', async () => {
    const logFile = join(dir, 'app.log');
    const spec = {
      name: 'demo',
      command: process.execPath,
      args: ['-e', LISTENING_APP],
      cwd: dir,
      env: baseChildEnv(),
      logFile,
    };
    const { app, url } = await launchChildApp(spec);
    expect(url).toBe('http://127.0.0.1:4321');
    await logContains(logFile, 'ready on stderr');
    await app.stop();
    expect(app.hasExited).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain('ready on stderr');
  });

  it('rejects with the last output of a process that exits before listening', async () => {
    const spec = {
      name: 'broken',
      command: process.execPath,
      args: ['-e', 'console.error("AUTH_ISSUERS: is required"); process.exit(1)'],
      cwd: dir,
      env: baseChildEnv(),
    };
    await expect(launchChildApp(spec)).rejects.toThrow(
      /broken exited \(code 1\) before listening; its last output:\nAUTH_ISSUERS: is required/,
    );
  });

  it('passes only the given environment to the child', async () => {
    const script = `process.stdout.write(JSON.stringify({ msg: 'listening', url: 'http://x/' + (process.env.SECRET_OF_PARENT ?? 'none') + '/' + process.env.GIVEN }) + '\\n')`;
    process.env['SECRET_OF_PARENT'] = 'leaked';
    try {
      const spec = {
        name: 'env',
        command: process.execPath,
        args: ['-e', script],
        cwd: dir,
        env: { ...baseChildEnv(), GIVEN: 'yes' },
      };
      const { app, url } = await launchChildApp(spec);
      await app.stop();
      expect(url).toBe('http://x/none/yes');
    } finally {
      delete process.env['SECRET_OF_PARENT'];
    }
  });
});

describe('ChildApp.recentOutput', () => {
  it('drops the colour codes of a boot error', async () => {
    const spec = {
      name: 'coloured',
      command: process.execPath,
      args: ['-e', 'console.error("\\u001b[31mERROR\\u001b[39m cannot resolve"); process.exit(1)'],
      cwd: tmpdir(),
      env: baseChildEnv(),
    };
    await expect(launchChildApp(spec)).rejects.toThrow(/last output:\nERROR cannot resolve$/);
  });
});
