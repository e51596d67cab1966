import { harnessRequest } from '../http/http-request';
import type { ChildApp } from './child-app';

/** Options of {@link waitReady}. */
export interface WaitReadyOptions {
  /** CA to trust when the URL is HTTPS (the emulator). */
  readonly ca?: string;
  /** Default 60 s. */
  readonly timeoutMs?: number;
  /** Stop waiting early when this process exits. */
  readonly process?: ChildApp;
}

const POLL_MS = 150;

/** Polls `<baseUrl>/health/ready` until it answers 200; rejects with the last status or error seen. */
export async function waitReady(
  name: string,
  baseUrl: string,
  options: WaitReadyOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (options.process?.hasExited === true) {
      throw new Error(
        `${name} exited while waiting for readiness; its last output:\n${options.process.recentOutput()}`,
      );
    }
    try {
      const res = await harnessRequest(`${baseUrl}/health/ready`, { ca: options.ca, timeoutMs: 5_000 });
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${res.text().slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${name} was not ready at ${baseUrl}/health/ready: ${last}`);
}
