// Every process started for a session carries a marker in its environment. Detached
// background jobs (`nohup … &`, `setsid`) leave the process group of the call that started
// them, but not their environment, so the marker finds them when the session ends.
import { readdir, readFile } from 'node:fs/promises';

export const SESSION_MARKER = 'AGENTBAY_LOCAL_SESSION';

/** Environment for a process run on behalf of a session. */
export function sessionEnv(
  sessionId: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, [SESSION_MARKER]: marker(sessionId) };
  // The server's own settings are not the user's business and must not change child behaviour.
  delete env.NODE_OPTIONS;
  delete env.AGENTBAY_LOCAL_API_KEY;
  return env;
}

/**
 * SIGKILLs every process of this user whose environment names the session (Linux /proc).
 * Scans again until a scan finds nothing (at least twice): a process in the middle of an exec,
 * or one just forked by a dying parent, can be missed by a single scan.
 */
export async function killSessionProcesses(sessionId: string): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < 5; pass++) {
    const killed = await scanAndKill(sessionId);
    total += killed;
    if (killed === 0 && pass >= 1) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return total;
}

async function scanAndKill(sessionId: string): Promise<number> {
  const needle = Buffer.from(`\0${SESSION_MARKER}=${marker(sessionId)}\0`);
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return 0;
  }
  let killed = 0;
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(async (pid) => {
        const environ = await readFile(`/proc/${pid}/environ`).catch(() => undefined);
        if (!environ) return;
        const padded = Buffer.concat([Buffer.from([0]), environ]);
        if (!padded.includes(needle)) return;
        try {
          process.kill(Number(pid), 'SIGKILL');
          killed++;
        } catch {
          // Gone already.
        }
      }),
  );
  return killed;
}

/** Session ids imposed by a fault may hold anything (even NUL): the marker is an encoding. */
function marker(sessionId: string): string {
  return Buffer.from(sessionId).toString('base64url');
}
