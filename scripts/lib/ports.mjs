// Which of the ports `npm start` needs are taken, and by which process when the system can tell.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

function inUse(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error) => resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES'));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/** `node (pid 1234)` from `ss -ltnp` when available, else ''. */
function holderOf(port) {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(out);
    return match ? `${match[1]} (pid ${match[2]})` : '';
  } catch {
    return '';
  }
}

/**
 * Checks every `{ name, port }` on 127.0.0.1 and returns one sentence per taken port,
 * e.g. `port 3000 (bff) is taken by node (pid 1234)`.
 */
export async function takenPorts(wanted) {
  const taken = [];
  for (const { name, port } of wanted) {
    if (await inUse(port, '127.0.0.1')) {
      const holder = holderOf(port);
      taken.push(`port ${port} (${name}) is taken${holder ? ` by ${holder}` : ' by another process'}`);
    }
  }
  return taken;
}
