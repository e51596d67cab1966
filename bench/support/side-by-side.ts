import { progress } from './figure';

/** How long a side-by-side figure loads each side. */
export interface SideBySidePlan {
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
}

/**
 * Loads the measured side and its baseline in the same run: one warm-up of each, then `rounds` rounds that
 * alternate which side goes first (so a drift of the machine's load falls on both). Returns every round's
 * pair, for medians over rounds.
 */
export async function sideBySide<L>(
  figure: string,
  plan: SideBySidePlan,
  real: (seconds: number) => Promise<L>,
  base: (seconds: number) => Promise<L>,
): Promise<{ real: L; base: L }[]> {
  progress(`${figure}: warm-up`);
  await real(plan.warmupSeconds);
  await base(plan.warmupSeconds);
  const runs: { real: L; base: L }[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    progress(`${figure}: round ${round + 1}/${plan.rounds}`);
    if (round % 2 === 0) {
      const r = await real(plan.seconds);
      runs.push({ real: r, base: await base(plan.seconds) });
    } else {
      const b = await base(plan.seconds);
      runs.push({ real: await real(plan.seconds), base: b });
    }
  }
  return runs;
}
