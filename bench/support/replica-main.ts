import type { TokenBrokerOptions } from '@chain/auth';

import { type BrokerApp, principalOf, startBrokerApp } from './broker-app';
import { pool } from './stats';
import { BFF_DOWNSTREAMS, type BffDownstreamName } from './tenant';

/*
 * One bff replica for P4, as its own process: a TokenBroker booted from the options it is sent over IPC,
 * then one burst on command. Tokens travel over the IPC channel only; nothing is logged.
 */
interface StartMessage {
  readonly type: 'start';
  readonly options: TokenBrokerOptions;
}
interface BurstMessage {
  readonly type: 'burst';
  readonly tokens: readonly string[];
  readonly perUser: number;
  readonly concurrency: number;
}

let app: BrokerApp | undefined;

async function runBurst(message: BurstMessage): Promise<void> {
  if (!app) throw new Error('burst before start');
  const broker = app.broker;
  const names = Object.keys(BFF_DOWNSTREAMS) as BffDownstreamName[];
  const { tokens, perUser } = message;
  const seen = {
    leaseWaitHits: 0,
    leaseWaitGaveUp: 0,
    l2Hits: 0,
    l2Errors: 0,
    l2ErrorKinds: {} as Record<string, number>,
    slowestTokenRequestMs: 0,
  };
  const unsubscribe = [
    app.events.on(
      'lease-wait',
      (e) => void (e.outcome === 'l2-hit' ? seen.leaseWaitHits++ : seen.leaseWaitGaveUp++),
    ),
    app.events.on('cache-hit', (e) => void (e.level === 'l2' && seen.l2Hits++)),
    app.events.on('l2-error', (e) => {
      seen.l2Errors++;
      const kind = `${e.operation}: ${e.message}`.slice(0, 120);
      seen.l2ErrorKinds[kind] = (seen.l2ErrorKinds[kind] ?? 0) + 1;
    }),
    app.events.on('token-request', (e) => {
      seen.slowestTokenRequestMs = Math.max(seen.slowestTokenRequestMs, e.durationMs);
    }),
  ];
  const started = Date.now();
  const outcomes = await pool(tokens.length * perUser, message.concurrency, (i) =>
    Promise.all(
      names.map((name) =>
        BFF_DOWNSTREAMS[name].flow === 'on-behalf-of'
          ? broker.forUser(name, principalOf(tokens[i % tokens.length]!))
          : broker.forApp(name),
      ),
    ).then(
      () => true,
      () => false,
    ),
  );
  unsubscribe.forEach((off) => off());
  process.send?.({
    type: 'done',
    ms: Date.now() - started,
    failures: outcomes.filter((ok) => !ok).length,
    seen,
  });
}

process.on('message', (message: StartMessage | BurstMessage) => {
  const work =
    message.type === 'start'
      ? startBrokerApp(message.options).then((started) => {
          app = started;
          process.send?.({ type: 'ready' });
        })
      : runBurst(message);
  work.catch((error: unknown) => {
    process.stderr.write(`replica: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
});

process.on('disconnect', () => {
  void (app?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
