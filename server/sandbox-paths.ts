// Where a sandbox path lives on this machine. The real sandbox has `/workspace` (run_code's
// working directory on code_latest) and `/tmp/file-transfer/` (the file_transfer context);
// here both are directories of the session, and every other absolute path lands in a private
// stand-in root, so no tool call can reach the host's own files.
import { posix, join } from 'node:path';

/** The sandbox working directory of code_latest. */
export const SANDBOX_WORKDIR = '/workspace';
/** Where the file_transfer context is mounted in the sandbox. */
export const FILE_TRANSFER_DIR = '/tmp/file-transfer';

export interface SessionDirs {
  /** Host directory standing for /workspace. */
  work: string;
  /** Host directory standing for /tmp/file-transfer. */
  fileTransfer: string;
  /** Host directory standing for `/` (everything else). */
  root: string;
}

export function sessionDirs(sessionDir: string): SessionDirs {
  return {
    work: join(sessionDir, 'work'),
    fileTransfer: join(sessionDir, 'file-transfer'),
    root: join(sessionDir, 'root'),
  };
}

/** The host path for a sandbox path; relative paths resolve from /workspace. */
export function hostPath(dirs: SessionDirs, sandboxPath: string): string {
  const absolute = posix.resolve(SANDBOX_WORKDIR, sandboxPath);
  for (const [prefix, dir] of mounts(dirs)) {
    if (absolute === prefix) return dir;
    if (absolute.startsWith(`${prefix}/`)) return join(dir, absolute.slice(prefix.length + 1));
  }
  return join(dirs.root, absolute);
}

/** The sandbox path a host path stands for (inverse of hostPath, for messages and listings). */
export function sandboxPath(dirs: SessionDirs, host: string): string {
  for (const [prefix, dir] of mounts(dirs)) {
    if (host === dir) return prefix;
    if (host.startsWith(`${dir}/`)) return `${prefix}/${host.slice(dir.length + 1)}`;
  }
  if (host.startsWith(`${dirs.root}/`)) return host.slice(dirs.root.length);
  return host;
}

// A path in a shell command: a mount point or /tmp at the start of a word, followed by `/`, a
// quote, whitespace or the end.
const COMMAND_PATHS =
  /(^|[\s'"=:(<>|;&])(\/workspace|\/tmp\/file-transfer|\/tmp)(?=[/\s'"):;|&<>]|$)/g;

/**
 * A shell command with `/workspace`, `/tmp/file-transfer` and `/tmp` rewritten to the
 * session's directories for them. A real sandbox needs no such thing; here it lets
 * `tar -C /workspace` or `cp out /tmp/file-transfer/` work as they would there, and keeps a
 * client's scratch files in /tmp inside the session. Documented as a limitation of the local
 * server.
 */
export function mapCommandPaths(dirs: SessionDirs, command: string): string {
  return command.replace(
    COMMAND_PATHS,
    (_match, before: string, prefix: string) => `${before}${hostPath(dirs, prefix)}`,
  );
}

function mounts(dirs: SessionDirs): [string, string][] {
  return [
    [SANDBOX_WORKDIR, dirs.work],
    [FILE_TRANSFER_DIR, dirs.fileTransfer],
  ];
}
