import { Agent } from 'node:https';

import { httpsRequest } from './support/https-client';
import { CLIENT, SECRET, startTestEmulator, type TestEmulator } from './support/test-emulator';

/** The emulator must never dominate chain benchmarks: a client-credentials request ≤ 5 ms median (issue 3). */
describe('token endpoint latency', () => {
  let te: TestEmulator;

  beforeAll(async () => {
    te = await startTestEmulator();
  });
  afterAll(async () => {
    await te?.stop();
  });

  it('answers sequential client-credentials requests over keep-alive in a few milliseconds (median)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: te.ca });
    const form = {
      grant_type: 'client_credentials',
      client_id: CLIENT.bff,
      client_secret: SECRET.bff,
      scope: 'api://pricing-service/.default',
    };
    const once = async (): Promise<number> => {
      const started = process.hrtime.bigint();
      const res = await httpsRequest(
        `${te.emulator.url}/5f1c8e4a-2b7d-4c3e-9a61-0d2f3b4c5e6f/oauth2/v2.0/token`,
        te.ca,
        { form, agent },
      );
      if (res.status !== 200) throw new Error(res.body);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    for (let i = 0; i < 50; i += 1) await once();
    const samples: number[] = [];
    for (let i = 0; i < 300; i += 1) samples.push(await once());
    agent.destroy();
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)] as number;
    const p95 = samples[Math.floor(samples.length * 0.95)] as number;
    process.stdout.write(
      `client-credentials latency (client and emulator in one process): median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms\n`,
    );
    // Generous bound for a shared 2-core CI machine; the measured median is reported in docs/emulator.md.
    expect(median).toBeLessThan(15);
  });
});
