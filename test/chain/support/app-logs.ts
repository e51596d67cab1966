import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Chain } from '@chain/testing';

/** A request as an app's pino-http line records it (what the app itself saw and answered). */
export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

function loggedRequests(chain: Chain, app: string, correlationId: string): LoggedRequest[] {
  let text: string;
  try {
    text = readFileSync(join(chain.logDir, `${app}.log`), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.includes(correlationId) && line.includes('"request completed"'))
    .map(
      (line) =>
        JSON.parse(line) as { req?: { method?: string; url?: string }; res?: { statusCode?: number } },
    )
    .map((r) => ({ method: r.req?.method ?? '', url: r.req?.url ?? '', status: r.res?.statusCode ?? 0 }));
}

/**
 * The requests `app` logged for one correlation id: evidence from the downstream's own side. Polls
 * briefly, as the line reaches the log file just after the response.
 */
export async function requestsSeenBy(
  chain: Chain,
  app: string,
  correlationId: string | null,
): Promise<LoggedRequest[]> {
  if (correlationId === null) throw new Error('the response carried no x-correlation-id');
  for (let attempt = 0; attempt < 20; attempt++) {
    const found = loggedRequests(chain, app, correlationId);
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [];
}
