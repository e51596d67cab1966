import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

import type { MsalAppConfig, MsalCall, MsalFailure, MsalResult, WorkerReply } from './msal-protocol';

/** Drives the MSAL worker process (started with NODE_EXTRA_CA_CERTS set to the emulator's CA). */
export class MsalClient {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  static async start(caFile: string): Promise<MsalClient> {
    const child = fork(join(__dirname, 'msal-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const client = new MsalClient(child);
    await new Promise<void>((ok, fail) => {
      client.pending.set(0, () => ok());
      child.once('exit', (code) => fail(new Error(`MSAL worker exited with ${code}`)));
    });
    return client;
  }

  async acquire(
    app: MsalAppConfig,
    call: MsalCall,
  ): Promise<{ ok: true; result: MsalResult } | { ok: false; error: MsalFailure }> {
    const id = this.nextId++;
    const reply = await new Promise<WorkerReply>((ok) => {
      this.pending.set(id, ok);
      this.child.send({ id, app, call });
    });
    return reply.ok ? { ok: true, result: reply.result } : { ok: false, error: reply.error };
  }

  /** Acquires and fails the test with MSAL's error when the call does not succeed. */
  async token(app: MsalAppConfig, call: MsalCall): Promise<MsalResult> {
    const outcome = await this.acquire(app, call);
    if (!outcome.ok)
      throw new Error(`${outcome.error.className} ${outcome.error.errorCode}: ${outcome.error.message}`);
    return outcome.result;
  }

  /** Acquires and returns MSAL's error; fails the test when the call succeeds. */
  async failure(app: MsalAppConfig, call: MsalCall): Promise<MsalFailure> {
    const outcome = await this.acquire(app, call);
    if (outcome.ok) throw new Error('expected MSAL to fail, but it returned a token');
    return outcome.error;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((ok) => {
      this.child.once('exit', () => ok());
      this.child.kill();
    });
  }
}
