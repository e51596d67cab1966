import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { scanLogsForLeaks } from './scan-logs';

describe('scanLogsForLeaks', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scan-logs-'));
    mkdirSync(join(dir, 'run'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file and line of a JWT and of a client secret without quoting them', () => {
    const jwt = ['eyJhbGciOiJSUzI1NiJ9', 'eyJzdWIiOiJ4In0', 'c2lnbmF0dXJl'].join('.');
    writeFileSync(join(dir, 'run', 'bff.log'), `{"msg":"ok"}\n{"msg":"token ${jwt}"}\n`);
    writeFileSync(join(dir, 'emulator.log'), 'client_secret=very-secret-value-123\n');
    const leaks = scanLogsForLeaks(dir, ['very-secret-value-123']);
    expect(leaks).toEqual(
      expect.arrayContaining([
        { file: join('run', 'bff.log'), line: 2, kind: 'jwt' },
        { file: 'emulator.log', line: 1, kind: 'client-secret' },
      ]),
    );
    expect(leaks).toHaveLength(2);
  });

  it('passes clean logs and a redacted authorization header', () => {
    writeFileSync(
      join(dir, 'api.log'),
      '{"req":{"headers":{"authorization":"[Redacted]"}},"msg":"request completed"}\n',
    );
    expect(scanLogsForLeaks(dir, ['very-secret-value-123'])).toEqual([]);
  });
});
