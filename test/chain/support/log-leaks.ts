import { type Chain, registeredSecrets, scanLogsForLeaks } from '@chain/testing';

/**
 * Stops the chain (so every log is complete and flushed) and scans its logs for JWTs and client
 * secrets. `extraSecrets`: secrets of a test-only tenant file. Returns the leaks (file, line, kind).
 */
export async function stopAndScanLogs(chain: Chain, extraSecrets: readonly string[] = []): Promise<string[]> {
  await chain.stop();
  const secrets = [...registeredSecrets(chain.registrations), ...extraSecrets];
  return scanLogsForLeaks(chain.logDir, secrets).map((l) => `${l.file}:${l.line} ${l.kind}`);
}
