import { writeFileSync } from 'node:fs';

/** One measured row of a figure's table (numbers already rounded for display). */
export interface FigureRow {
  readonly label: string;
  readonly values: Readonly<Record<string, number | string>>;
}

/** A target of the issue, judged on this run's numbers. */
export interface FigureTarget {
  readonly name: string;
  /** The target as written in the issue, e.g. `≤ 1.5× bare verify`. */
  readonly goal: string;
  /** What this run measured, e.g. `1.21×`. */
  readonly measured: string;
  readonly met: boolean;
}

/** What a figure process reports to scripts/bench.mjs (written as JSON to the `--out` file). */
export interface FigureResult {
  readonly id: string;
  readonly title: string;
  /** `ran`: numbers below; `not-run`: `reason` says why (an absent prerequisite, not a harness failure). */
  readonly status: 'ran' | 'not-run';
  readonly reason?: string;
  readonly method: string;
  readonly columns: readonly string[];
  readonly rows: readonly FigureRow[];
  readonly targets: readonly FigureTarget[];
  readonly notes: readonly string[];
  readonly durationMs: number;
}

/** Command-line settings every figure receives from scripts/bench.mjs. */
export interface FigureArgs {
  /** Tiny counts for CI: proves the harness runs, numbers are not meaningful. */
  readonly quick: boolean;
  readonly out: string | undefined;
  /** The emulator data folder prepared by scripts/bench.mjs (its CA is in NODE_EXTRA_CA_CERTS). */
  readonly emulatorDataDir: string | undefined;
}

export function figureArgs(argv: readonly string[] = process.argv.slice(2)): FigureArgs {
  const outAt = argv.indexOf('--out');
  return {
    quick: argv.includes('--quick'),
    out: outAt >= 0 ? argv[outAt + 1] : undefined,
    emulatorDataDir: process.env['BENCH_EMULATOR_DATA_DIR'],
  };
}

export type FigureBody = Omit<FigureResult, 'durationMs'>;

const cleanups = new Set<() => Promise<void>>();

/**
 * Registers work to run if the figure is stopped from outside (SIGTERM from scripts/bench.mjs on overrun),
 * e.g. stopping processes it started in their own process groups. Returns the function that unregisters it.
 */
export function onStop(cleanup: () => Promise<void>): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

process.once('SIGTERM', () => {
  void Promise.allSettled([...cleanups].map((c) => c())).finally(() => process.exit(1));
});

/**
 * Runs one figure: writes its result to `--out` (or stdout) and exits 0; a thrown error is a harness failure
 * (exit 1, message on stderr). Exits explicitly so a lingering socket cannot keep the process alive.
 */
export function runFigure(main: (args: FigureArgs) => Promise<FigureBody>): void {
  const args = figureArgs();
  const started = Date.now();
  main(args).then(
    (body) => {
      const result: FigureResult = { ...body, durationMs: Date.now() - started };
      const json = JSON.stringify(result, null, 2);
      if (args.out === undefined) process.stdout.write(`${json}\n`);
      else writeFileSync(args.out, json);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

/** A figure that could not run for a stated reason (never a failure of the harness). */
export function notRun(
  id: string,
  title: string,
  method: string,
  reason: string,
  notes: string[] = [],
): FigureBody {
  return { id, title, status: 'not-run', reason, method, columns: [], rows: [], targets: [], notes };
}

/** Progress line on stderr (stdout may carry the JSON result). */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
