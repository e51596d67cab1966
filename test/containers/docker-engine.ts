import { spawnSync } from 'node:child_process';

/** Whether a Docker engine answers, and why not when it does not. */
export type EngineProbe =
  { readonly available: true } | { readonly available: false; readonly reason: string };

// testcontainers' own discovery (DOCKER_HOST, ~/.testcontainers.properties, the default socket,
// rootless, Docker Desktop): exits 0 once an engine answers a ping.
const PROBE = `require('testcontainers').getContainerRuntimeClient().then(
  () => process.exit(0),
  (error) => { process.stderr.write(String(error && error.message)); process.exit(1); });`;

/**
 * Asks testcontainers whether a container runtime answers. Synchronous (a child process, under a
 * second when none does) so a suite can decide between `describe` and `describe.skip` while Jest
 * collects it.
 */
export function probeDockerEngine(cwd: string): EngineProbe {
  const result = spawnSync(process.execPath, ['-e', PROBE], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.status === 0) return { available: true };
  const reason = (result.stderr || result.error?.message || `probe exited with ${String(result.status)}`)
    .trim()
    .split('\n')[0];
  return { available: false, reason: reason ?? 'unknown' };
}
