import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes a file through a temporary name and a rename, so readers never see half a file. */
export async function writeFileAtomic(path: string, content: string, mode = 0o600): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, { mode });
  await rename(temp, path);
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

/**
 * Runs `work` while holding `<dir>/.init.lock` (an exclusively created file), so two emulators
 * starting against the same data directory generate the CA and keys once. A lock older than 30 s
 * is treated as left behind by a crashed process.
 */
export async function withDirectoryLock<T>(dir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, '.init.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await removeIfStale(lock);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

async function removeIfStale(lock: string): Promise<void> {
  try {
    const info = await stat(lock);
    if (Date.now() - info.mtimeMs > STALE_LOCK_MS) await rm(lock, { force: true });
  } catch {
    // gone already
  }
}
