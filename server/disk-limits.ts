// Bounds on what a session's code writes, so a runaway job cannot fill the host's disk (a
// background job once wrote an 82 GB file): every process started for a session runs with a
// file-size limit (RLIMIT_FSIZE via bash's `ulimit -f`), and a watcher kills everything a
// session runs once its directory holds more than its limit.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskLimits {
  /** Largest file a session's process may write, in bytes (default 1 GiB). */
  maxFileBytes: number;
  /** Largest total size of a session's directory, in bytes (default 4 GiB). */
  maxSessionBytes: number;
  /** How often the session directories are measured, in ms (default 2000). */
  checkIntervalMs: number;
}

export const DEFAULT_DISK_LIMITS: DiskLimits = {
  maxFileBytes: 1024 ** 3,
  maxSessionBytes: 4 * 1024 ** 3,
  checkIntervalMs: 2000,
};

/** `command args…` run under the file-size limit (bash counts `ulimit -f` in 1024-byte blocks). */
export function underFileLimit(
  maxFileBytes: number,
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  const blocks = Math.max(1, Math.ceil(maxFileBytes / 1024));
  return {
    command: 'bash',
    args: ['-c', `ulimit -f ${blocks} && exec "$@"`, 'job', command, ...args],
  };
}

/**
 * The apparent size of everything under `dir` (files, not followed links). A file that
 * vanishes mid-walk counts as empty.
 */
export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) {
        pending.push(path);
        continue;
      }
      const info = await lstat(path).catch(() => undefined);
      total += info?.size ?? 0;
    }
  }
  return total;
}

/** Says a limit in the unit a reader expects: "4 GiB", "64 KiB", "1000 bytes". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}
