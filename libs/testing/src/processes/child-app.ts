import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/** How to run one process of the chain. */
export interface ChildAppSpec {
  /** Name used in messages and log prefixes (`bff`, `azurite`). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment of the child (start from `baseChildEnv()`; nothing else is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** File that receives stdout and stderr verbatim (for the log scan). */
  readonly logFile?: string;
  /** Called with every output line (e.g. to print it with a prefix). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Returns the URL the process listens on when a line announces it. Default: {@link listeningUrlOf}. */
  readonly listening?: (line: string) => string | undefined;
  /**
   * Called as soon as the process exists, before it listens: lets a launcher that is interrupted (Ctrl-C,
   * another app failing) stop children that are still starting.
   */
  readonly onSpawn?: (app: ChildApp) => void;
  /** How long to wait for the listening line. Default 60 s. */
  readonly startTimeoutMs?: number;
}

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const TAIL_LINES = 40;
/** SGR colour sequences (Nest's default logger colours its boot errors), dropped from error messages. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A running child process (its own process group, so stopping it stops its children too). */
export class ChildApp {
  private readonly tail: string[] = [];
  private exitInfo: ChildExit | undefined;
  private stopping: Promise<void> | undefined;
  readonly exited: Promise<ChildExit>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly log: WriteStream | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process has ended. */
  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** The last lines of output (for error messages when a child fails to start). */
  recentOutput(): string {
    return this.tail.join('\n');
  }

  remember(line: string): void {
    this.tail.push(line.replace(ANSI_COLOUR, ''));
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }

  /**
   * SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process has exited and its
   * log is flushed. Idempotent: later calls share the first one's outcome.
   */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= this.stopOnce(graceMs);
    return this.stopping;
  }

  private async stopOnce(graceMs: number): Promise<void> {
    if (!this.hasExited) {
      this.signal('SIGTERM');
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    const log = this.log;
    if (log !== undefined && !log.writableEnded) await new Promise<void>((resolve) => log.end(resolve));
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}

/**
 * Starts a process and resolves with it and the URL it announced (`{"msg":"listening","url":…}`).
 * Rejects, after stopping it, when it exits or stays silent past the timeout, quoting its last output.
 */
export async function launchChildApp(spec: ChildAppSpec): Promise<{ app: ChildApp; url: string }> {
  if (spec.logFile !== undefined) mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = spec.logFile === undefined ? undefined : createWriteStream(spec.logFile, { flags: 'a' });
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...spec.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app = new ChildApp(spec.name, child, log);
  spec.onSpawn?.(app);
  const announced = new Promise<string>((resolve) => {
    const onLine = (line: string, stream: 'stdout' | 'stderr'): void => {
      if (log?.writableEnded === false) log.write(`${line}\n`);
      app.remember(line);
      spec.onLine?.(line, stream);
      const url = (spec.listening ?? listeningUrlOf)(line);
      if (url !== undefined) resolve(url);
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => onLine(l, 'stdout'));
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => onLine(l, 'stderr'));
  });
  try {
    const url = await raceStart(app, announced, spec.startTimeoutMs ?? 60_000);
    return { app, url };
  } catch (error) {
    await app.stop(1_000);
    throw error;
  }
}

async function raceStart(app: ChildApp, announced: Promise<string>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const failure = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(startError(app, `did not announce "listening" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    void app.exited.then((exit) =>
      reject(startError(app, `exited (${exit.signal ?? `code ${exit.code}`}) before listening`)),
    );
  });
  try {
    return await Promise.race([announced, failure]);
  } finally {
    clearTimeout(timer);
  }
}

function startError(app: ChildApp, what: string): Error {
  const output = app.recentOutput();
  return new Error(`${app.name} ${what}${output ? `; its last output:\n${output}` : ''}`);
}

/** The URL of a pino `listening` line (`{"msg":"listening","url":"http://127.0.0.1:3001"}`), else undefined. */
export function listeningUrlOf(line: string): string | undefined {
  if (!line.includes('"listening"')) return undefined;
  try {
    const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return record.msg === 'listening' && typeof record.url === 'string' ? record.url : undefined;
  } catch {
    return undefined;
  }
}
