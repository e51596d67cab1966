'use strict';
/*
 * Preloaded (`--require`) into a service by P2's BENCH_CPU_PROFILE: a V8 CPU profile of the whole process
 * (what `node --cpu-prof` writes, which Node 20 does not accept in NODE_OPTIONS and which is written only on
 * a normal exit — Nest's shutdown hook ends the process by raising SIGTERM again). On the first
 * SIGTERM/SIGINT the profile goes to `$CPU_PROFILE_DIR/<pid>.cpuprofile` and the process exits.
 */
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  const stop = () =>
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
      }
      process.exit(0);
    });
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, stop);
}
