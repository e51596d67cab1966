import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

const REGISTER = join(__dirname, 'swc-register.js');

/**
 * Forks a TypeScript entry of the bench (SWC require hook) with an IPC channel; output goes to ours.
 * `nodeOptions`: extra flags for the child's Node (e.g. `--expose-gc`).
 */
export function forkTs(
  entry: string,
  env: Record<string, string> = {},
  nodeOptions: string[] = [],
): ChildProcess {
  return fork(entry, [], {
    execArgv: ['--enable-source-maps', ...nodeOptions, '-r', REGISTER],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The first IPC message of `type` from `child`, or a rejection if it exits or `timeoutMs` passes first. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${type}" from child ${child.pid} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type)
        finish(undefined, message as T);
    };
    const onExit = (code: number | null): void =>
      finish(new Error(`child ${child.pid} exited (${code}) before "${type}"`));
    function finish(error: Error | undefined, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Disconnects and waits for `child` to exit (SIGKILL after `graceMs`). */
export async function stopChild(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.disconnect();
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
