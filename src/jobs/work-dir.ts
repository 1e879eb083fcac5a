import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * A job's scratch folders live under the system temp dir as `soundhub-job-<pid>-<kind>-…`.
 * The pid says whose they are: a worker killed mid-job leaves its folder behind, and the
 * next worker to start removes the folders of processes that are gone (never those of a
 * live one: several workers may share one machine).
 */
const PREFIX = 'soundhub-job-';

export function createWorkDir(kind: 'track' | 'mix'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `${PREFIX}${process.pid}-${kind}-`));
}

/** Removes scratch folders whose process has ended; returns the paths removed. */
export async function removeLeftoverWorkDirs(log: Pick<Logger, 'warn' | 'info'>, root = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(root)) {
    const pid = ownerPid(name);
    if (pid === undefined || isAlive(pid)) continue;
    const dir = path.join(root, name);
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch (err) {
      log.warn({ err, dir }, 'could not remove a leftover work folder');
    }
  }
  if (removed.length) log.info({ removed: removed.length }, 'removed work folders left by stopped workers');
  return removed;
}

function ownerPid(name: string): number | undefined {
  const match = name.startsWith(PREFIX) ? /^(\d+)-/.exec(name.slice(PREFIX.length)) : null;
  return match ? Number(match[1]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, owned by another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
