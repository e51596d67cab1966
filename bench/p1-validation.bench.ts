import { verify as cryptoVerify } from 'node:crypto';

import { TokenValidator } from '@chain/auth';
import { verify as jwtVerify, type VerifyOptions } from 'jsonwebtoken';
import { passportJwtSecret } from 'jwks-rsa';

import { type FigureBody, type FigureTarget, progress, runFigure } from './support/figure';
import { type JwksFixture, startJwksFixture } from './support/jwks-fixture';
import { median, nowUs, round, times } from './support/stats';

/*
 * P1 — validation cost per token, in one process and one run: libs/auth's TokenValidator on fresh tokens
 * (each signed once ahead of time, so its validated-token cache misses) and on one repeated token, next to
 * bare crypto.verify RS256 and the common wiring (jwks-rsa passportJwtSecret → PEM → jsonwebtoken).
 * Each round runs every variant over N tokens in a rotated order; the figure is the median over rounds.
 */

type Variant = (tokens: readonly string[]) => Promise<void>;

interface Plan {
  readonly rounds: number;
  readonly perRound: number;
  readonly warmup: number;
}

const PLAN: Plan = { rounds: 7, perRound: 1_000, warmup: 300 };
const QUICK: Plan = { rounds: 2, perRound: 50, warmup: 20 };

function bareVerify(fixture: JwksFixture): Variant {
  return async (tokens) => {
    for (const token of tokens) {
      const dot = token.lastIndexOf('.');
      const signature = Buffer.from(token.slice(dot + 1), 'base64url');
      if (!cryptoVerify('RSA-SHA256', Buffer.from(token.slice(0, dot)), fixture.publicKey, signature))
        throw new Error('bare verify refused a good token');
    }
  };
}

function jsonwebtokenWith(fixture: JwksFixture, key: 'pem' | 'keyObject'): Variant {
  const options: VerifyOptions = {
    algorithms: ['RS256'],
    issuer: fixture.issuer,
    audience: fixture.audience,
    clockTolerance: 60,
  };
  if (key === 'keyObject') {
    return async (tokens) => {
      for (const token of tokens) jwtVerify(token, fixture.publicKey, options);
    };
  }
  // What passport-jwt + jwks-rsa's passportJwtSecret do per request: look the kid up (cached), get a PEM,
  // hand the PEM to jsonwebtoken (which parses it again on every call).
  const secret = passportJwtSecret({ jwksUri: fixture.jwksUri, cache: true, rateLimit: true });
  const pemFor = (token: string): Promise<string> =>
    new Promise((resolve, reject) =>
      secret(undefined, token, (error: unknown, pem?: string | Buffer) =>
        error || pem === undefined ? reject(new Error('no key from jwks-rsa')) : resolve(String(pem)),
      ),
    );
  return async (tokens) => {
    for (const token of tokens) jwtVerify(token, await pemFor(token), options);
  };
}

function libsAuth(validator: TokenValidator): Variant {
  return async (tokens) => {
    for (const token of tokens) await validator.validate(token);
  };
}

interface Sample {
  /** Wall-clock µs per validation. */
  readonly wall: number;
  /** CPU µs per validation (user + system of this process): what other work on a shared machine distorts least. */
  readonly cpu: number;
}

async function timeUs(variant: Variant, tokens: readonly string[]): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const started = nowUs();
  await variant(tokens);
  const wall = nowUs() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: wall / tokens.length, cpu: (cpu.user + cpu.system) / tokens.length };
}

/** Honesty check: a forged signature over the claims of a token the cache holds is refused. */
async function checkRefusals(validator: TokenValidator, token: string): Promise<void> {
  const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${'A'.repeat(342)}`;
  const refused = await validator.validate(forged).then(
    () => false,
    () => true,
  );
  if (!refused) throw new Error('TokenValidator accepted a forged signature');
}

runFigure(async ({ quick }): Promise<FigureBody> => {
  const plan = quick ? QUICK : PLAN;
  const fixture = await startJwksFixture();
  try {
    const total = plan.warmup + plan.rounds * plan.perRound;
    progress(`P1: signing ${total} distinct tokens`);
    const tokens = Array.from({ length: total }, (_, i) => fixture.sign(i));
    const validator = TokenValidator.fromOptions({
      issuers: [fixture.issuer],
      jwksUri: fixture.jwksUri,
      audiences: [fixture.audience],
    });
    const repeatedToken = tokens[0]!;
    const variants: Record<string, Variant> = {
      'bare crypto.verify RS256': bareVerify(fixture),
      'jwks-rsa passportJwtSecret (PEM) + jsonwebtoken': jsonwebtokenWith(fixture, 'pem'),
      'jsonwebtoken with a cached KeyObject': jsonwebtokenWith(fixture, 'keyObject'),
      'libs/auth TokenValidator, fresh token': libsAuth(validator),
      'libs/auth TokenValidator, repeated token': libsAuth(validator),
    };
    const names = Object.keys(variants);
    const warm = tokens.slice(0, plan.warmup);
    for (const name of names) await variants[name]!(warm);
    await checkRefusals(validator, repeatedToken);

    const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
    for (let round = 0; round < plan.rounds; round++) {
      const slice = tokens.slice(
        plan.warmup + round * plan.perRound,
        plan.warmup + (round + 1) * plan.perRound,
      );
      const repeated = slice.map(() => repeatedToken);
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length]!;
        // Only the fresh-token row must see never-validated tokens; the baselines have no cache.
        const input = name.endsWith('repeated token') ? repeated : slice;
        samples.get(name)!.push(await timeUs(variants[name]!, input));
      }
      progress(`P1: round ${round + 1}/${plan.rounds}`);
    }
    validator.close();
    return report(plan, samples, quick);
  } finally {
    await fixture.close();
  }
});

function report(plan: Plan, samples: Map<string, Sample[]>, quick: boolean): FigureBody {
  const of = (name: string, pick: keyof Sample): number[] => samples.get(name)!.map((x) => x[pick]);
  const med = (name: string): number => median(of(name, 'cpu'));
  const bare = med('bare crypto.verify RS256');
  const fresh = med('libs/auth TokenValidator, fresh token');
  const repeated = med('libs/auth TokenValidator, repeated token');
  const rows = [...samples.keys()].map((name) => ({
    label: name,
    values: {
      'CPU µs (median)': round(med(name)),
      'CPU µs min–max over rounds': `${round(Math.min(...of(name, 'cpu')))}–${round(Math.max(...of(name, 'cpu')))}`,
      'wall µs (median)': round(median(of(name, 'wall'))),
      '× bare verify': times(med(name) / bare),
    },
  }));
  const targets: FigureTarget[] = [
    {
      name: 'fresh token',
      goal: '≤ 1.5× bare verify',
      measured: times(fresh / bare),
      met: fresh / bare <= 1.5,
    },
    {
      name: 'repeated token',
      goal: '≥ 10× faster than fresh',
      measured: `${times(fresh / repeated)} faster`,
      met: fresh / repeated >= 10,
    },
  ];
  return {
    id: 'validate',
    title: 'P1 validation: µs per token',
    status: 'ran',
    method: `${plan.rounds} rounds × ${plan.perRound} sequential validations per variant, rotated order, after ${plan.warmup} warm-up each; RS256 2048-bit, JWKS on 127.0.0.1 (node:http); per validation, CPU time of the process (user + system) and wall time; targets on the median over rounds of the CPU time (a shared machine distorts it least).`,
    columns: ['CPU µs (median)', 'CPU µs min–max over rounds', 'wall µs (median)', '× bare verify'],
    rows,
    targets,
    notes: quick ? ['--quick: tiny counts, the numbers only prove the harness runs.'] : [],
  };
}
