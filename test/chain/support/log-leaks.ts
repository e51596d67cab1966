import { basename } from 'node:path';

import { type Chain, filesUnder, registeredSecrets, scanLogsForLeaks } from '@chain/testing';

/** What a log scan found: the log files read and the leaks (file:line kind — never the value). */
export interface LogScan {
  readonly logs: string[];
  readonly leaks: string[];
}

/**
 * Stops the chain (so every log is complete and flushed) and scans its logs for JWTs and client
 * secrets. `extraSecrets`: secrets of a test-only tenant file.
 */
export async function stopAndScanLogs(chain: Chain, extraSecrets: readonly string[] = []): Promise<LogScan> {
  await chain.stop();
  const secrets = [...registeredSecrets(chain.registrations), ...extraSecrets];
  return {
    logs: filesUnder(chain.logDir)
      .map((f) => basename(f))
      .sort(),
    leaks: scanLogsForLeaks(chain.logDir, secrets).map((l) => `${l.file}:${l.line} ${l.kind}`),
  };
}
