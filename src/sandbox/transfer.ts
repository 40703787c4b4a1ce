// Trees of files between the runner and the sandbox's working directory, as one tar.gz archive.
// The route is chosen by the number of API calls each needs (measured by scripts/transfer-benchmark.ts):
// a small archive goes as base64 text in a few write_file calls; a large one through the
// file_transfer context (presigned PUT/GET, about eight calls whatever the size). If the
// context is not available, the write_file route is used whatever the size.
import { randomBytes } from 'node:crypto';
import type { AgentBayClient } from '../agentbay/client.ts';
import { FileTransfer } from '../agentbay/file-transfer.ts';
import { BINARY_READ_WINDOW, MAX_ARGS_BYTES, SandboxFiles } from '../agentbay/sandbox-files.ts';
import { runShell, shellQuote } from '../agentbay/shell.ts';
import { clip } from '../text/clip.ts';
import { createTarGz, readTarGz, type TarEntry } from './tar.ts';
import { SANDBOX_WORKDIR } from './workdir.ts';

/** Up to this many write_file calls, the text route costs fewer calls than the presigned one. */
export const WRITE_ROUTE_MAX_CALLS = 6;
/** Up to this many read_file windows, likewise for downloads. */
export const READ_ROUTE_MAX_CALLS = 6;
const SHELL_MS = 50_000;

export type Route = 'write_file' | 'file_transfer';

export interface TransferStats {
  route: Route;
  /** API calls made, presigned requests included. */
  calls: number;
  archiveBytes: number;
  /** Why the preferred route was not taken, if it was not. */
  fallback?: string;
}

export interface TransferOptions {
  /** Forces a route (benchmarks and tests); by default it is chosen by size. */
  route?: Route;
  pollMs?: number;
}

/** The route for an upload archive of this many bytes: write_file while it takes few calls. */
export function uploadRouteFor(archiveBytes: number): Route {
  const writeCalls = Math.ceil((4 * Math.ceil(archiveBytes / 3)) / (MAX_ARGS_BYTES - 200));
  return writeCalls <= WRITE_ROUTE_MAX_CALLS ? 'write_file' : 'file_transfer';
}

/** The route for a download archive of this many bytes: write_file while it takes few calls. */
export function downloadRouteFor(archiveBytes: number): Route {
  const readCalls = Math.ceil(archiveBytes / BINARY_READ_WINDOW);
  return readCalls <= READ_ROUTE_MAX_CALLS ? 'write_file' : 'file_transfer';
}

/** Copies files into the sandbox under `workdir`, keeping their relative paths. */
export async function uploadTree(
  client: AgentBayClient,
  sessionId: string,
  /** The files, or their tar.gz archive already made (one archive for many sessions). */
  entries: TarEntry[] | Buffer,
  options: TransferOptions = {},
  workdir = SANDBOX_WORKDIR,
): Promise<TransferStats> {
  const archive = Buffer.isBuffer(entries) ? entries : createTarGz(entries);
  const base64 = archive.toString('base64');
  const preferred: Route = options.route ?? uploadRouteFor(archive.length);
  const name = `agentbay-upload-${randomBytes(6).toString('hex')}`;
  const q = shellQuote;
  let fallback: string | undefined;
  if (preferred === 'file_transfer') {
    const transfer = new FileTransfer(client, sessionId, { pollMs: options.pollMs });
    try {
      const remote = `${await transfer.directory()}/${name}.tgz`;
      await transfer.upload(archive, remote);
      await extract(
        client,
        sessionId,
        `tar -xzf ${q(remote)} -C ${q(workdir)}; rc=$?; rm -f ${q(remote)}; exit $rc`,
        workdir,
      );
      return { route: 'file_transfer', calls: transfer.calls + 2, archiveBytes: archive.length };
    } catch (error) {
      if (options.route) throw error;
      fallback = `file_transfer failed (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const files = new SandboxFiles(client, sessionId);
  const remote = `/tmp/${name}.b64`;
  await files.writeText(remote, base64);
  await extract(
    client,
    sessionId,
    `base64 -d ${q(remote)} | tar -xzf - -C ${q(workdir)}; rc=$?; rm -f ${q(remote)}; exit $rc`,
    workdir,
  );
  return { route: 'write_file', calls: files.calls + 2, archiveBytes: archive.length, fallback };
}

async function extract(
  client: AgentBayClient,
  sessionId: string,
  command: string,
  workdir: string,
): Promise<void> {
  const result = await runShell(client, sessionId, {
    command: `mkdir -p ${shellQuote(workdir)} && { ${command}; }`,
    timeoutMs: SHELL_MS,
  });
  if (!result.success) {
    throw new Error(
      `could not unpack the files in the sandbox: ${clip(result.stderr || result.errorText || `exit code ${result.exitCode}`, 500)}`,
    );
  }
}

export interface DownloadLimits {
  maxBytes: number;
  maxFiles: number;
}

export type DownloadOutcome =
  | { kind: 'none' }
  | { kind: 'too-large'; files: number; bytes: number }
  | { kind: 'files'; files: TarEntry[]; skipped: string[]; stats: TransferStats };

/**
 * Collects the files matching `patterns` (relative globs, `!` excludes, evaluated by bash in
 * the working directory; symbolic links are never followed) and brings them back.
 */
export async function downloadTree(
  client: AgentBayClient,
  sessionId: string,
  patterns: string[],
  limits: DownloadLimits,
  options: TransferOptions = {},
  workdir = SANDBOX_WORKDIR,
): Promise<DownloadOutcome> {
  const transfer = new FileTransfer(client, sessionId, { pollMs: options.pollMs });
  let dir = '/tmp';
  let contextProblem: string | undefined;
  if (options.route !== 'write_file') {
    try {
      dir = await transfer.directory();
    } catch (error) {
      if (options.route) throw error;
      contextProblem = `file_transfer is not available (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const archive = `${dir}/agentbay-download-${randomBytes(6).toString('hex')}.tgz`;
  const packed = await runShell(client, sessionId, {
    // The archive path is in the command itself, where a sandbox path belongs.
    command: `AGENTBAY_ARCHIVE=${shellQuote(archive)}\n${PACK_SCRIPT}`,
    timeoutMs: SHELL_MS,
    cwd: workdir,
    envs: {
      AGENTBAY_PATTERNS: patterns.join('\n'),
      AGENTBAY_MAX_BYTES: String(limits.maxBytes),
      AGENTBAY_MAX_FILES: String(limits.maxFiles),
    },
  });
  const summary = /^agentbay-pack (\d+) (\d+) (\d+) (ok|too-large)$/m.exec(packed.stdout);
  if (!summary) {
    throw new Error(
      `could not collect the files to download: ${clip(packed.stderr || packed.errorText || packed.stdout, 500)}`,
    );
  }
  const [, count, total, archiveSize, verdict] = summary;
  if (Number(count) === 0) return { kind: 'none' };
  if (verdict === 'too-large')
    return { kind: 'too-large', files: Number(count), bytes: Number(total) };

  const size = Number(archiveSize);
  const preferred: Route =
    options.route ?? (contextProblem ? 'write_file' : downloadRouteFor(size));
  let bytes: Buffer;
  let stats: TransferStats;
  const maxArchive = limits.maxBytes + 1024 * 1024;
  try {
    if (preferred === 'file_transfer') {
      try {
        bytes = await transfer.download(archive, maxArchive);
        stats = { route: 'file_transfer', calls: transfer.calls + 2, archiveBytes: size };
      } catch (error) {
        if (options.route) throw error;
        const files = new SandboxFiles(client, sessionId);
        bytes = await files.readBytes(archive, maxArchive);
        stats = {
          route: 'write_file',
          calls: transfer.calls + files.calls + 2,
          archiveBytes: size,
          fallback: `file_transfer failed (${error instanceof Error ? error.message : String(error)})`,
        };
      }
    } else {
      const files = new SandboxFiles(client, sessionId);
      bytes = await files.readBytes(archive, maxArchive);
      stats = {
        route: 'write_file',
        calls: files.calls + 2,
        archiveBytes: size,
        fallback: contextProblem,
      };
    }
  } finally {
    await runShell(client, sessionId, {
      command: `rm -f ${shellQuote(archive)}`,
      timeoutMs: SHELL_MS,
    }).catch(() => undefined);
  }
  const { files, skipped } = readTarGz(bytes, limits);
  return { kind: 'files', files, skipped, stats };
}

// Patterns arrive in the environment, one per line, and are only ever expanded as globs: no
// pattern is ever evaluated as shell code. Regular files only; links are not followed.
// `§{` stands for bash's `${`, which a template literal would take for its own.
const PACK_SCRIPT = String.raw`set -u
shopt -s globstar nullglob dotglob
IFS=$'\n'
declare -A excluded=()
declare -A seen=()
list=()
add() { local f="$1"; f="§{f#./}"; if [ -f "$f" ] && [ ! -L "$f" ] && [ -z "§{seen[$f]+x}" ] && [ -z "§{excluded[$f]+x}" ]; then seen["$f"]=1; list+=("$f"); fi; }
while IFS= read -r p; do
  [ -z "$p" ] && continue
  if [ "§{p:0:1}" = '!' ]; then
    for f in §{p:1}; do if [ -d "$f" ] && [ ! -L "$f" ]; then while IFS= read -r -d '' g; do excluded["§{g#./}"]=1; done < <(find "$f" -type f -print0); else excluded["§{f#./}"]=1; fi; done
  fi
done <<< "$AGENTBAY_PATTERNS"
while IFS= read -r p; do
  [ -z "$p" ] && continue
  [ "§{p:0:1}" = '!' ] && continue
  for f in $p; do
    if [ -d "$f" ] && [ ! -L "$f" ]; then
      while IFS= read -r -d '' g; do add "$g"; done < <(find "$f" -type f -print0 | sort -z)
    else add "$f"; fi
  done
done <<< "$AGENTBAY_PATTERNS"
total=0
for f in "§{list[@]}"; do total=$((total + $(stat -c %s -- "$f"))); done
count=§{#list[@]}
if [ "$count" -eq 0 ]; then echo "agentbay-pack 0 0 0 ok"; exit 0; fi
if [ "$total" -gt "$AGENTBAY_MAX_BYTES" ] || [ "$count" -gt "$AGENTBAY_MAX_FILES" ]; then echo "agentbay-pack $count $total 0 too-large"; exit 0; fi
mkdir -p "$(dirname "$AGENTBAY_ARCHIVE")"
printf '%s\0' "§{list[@]}" | tar -czf "$AGENTBAY_ARCHIVE" --null --no-recursion -T -
echo "agentbay-pack $count $total $(stat -c %s -- "$AGENTBAY_ARCHIVE") ok"
`.replaceAll('§{', '${');
