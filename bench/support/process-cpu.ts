import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** One child process of this one: its command line and CPU time used so far (user + system). */
export interface ChildCpu {
  readonly pid: number;
  readonly command: string;
  readonly cpuMs: number;
}

/**
 * CPU time of this process's direct children, from /proc (Linux). CPU per request is what a noisy, shared
 * machine cannot distort much, unlike requests per second. Empty where /proc is not available.
 */
export function childrenCpu(parent = process.pid): ChildCpu[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const found: ChildCpu[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid … utime(14) stime(15), 1-based from pid.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== parent) continue;
      const ticks = Number(fields[11]) + Number(fields[12]);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      found.push({ pid: Number(pid), command, cpuMs: (ticks * 1_000) / TICKS_PER_SECOND });
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}

/** Total CPU milliseconds of the children whose command line matches `pattern`. */
export function cpuOf(children: readonly ChildCpu[], pattern: RegExp): number {
  return children.filter((c) => pattern.test(c.command)).reduce((sum, c) => sum + c.cpuMs, 0);
}
