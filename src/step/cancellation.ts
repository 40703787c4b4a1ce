import * as core from '@actions/core';
import type { AgentBayClient } from '../agentbay/client.ts';
import { describeFailure } from './failure.ts';
import { printableId } from '../text/printable-id.ts';
import { saveState } from '../state/state.ts';

/**
 * On cancellation the runner kills the step 10 s after its SIGINT (the handler ignores the
 * SIGTERM at 7.5 s). Everything the handler does, every attempt of every call included, ends
 * by CANCEL_WINDOW_MS after the signal, which leaves time to report and exit before the kill.
 * Of that, a create in flight gets at most CANCEL_CREATE_WAIT_MS to answer.
 */
export const CANCEL_WINDOW_MS = 8_500;
const CANCEL_CREATE_WAIT_MS = 5_000;
/** Below this, a delete cannot be expected to get through: leave it to the post step. */
const MIN_DELETE_MS = 500;

/**
 * Calls `onCancel` once when the runner cancels the step (SIGINT first, SIGTERM 7.5 s
 * later, then a kill 2.5 s after that). Returns a function that stops watching.
 */
export function watchCancellation(onCancel: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let fired = false;
  const handler = (signal: NodeJS.Signals) => {
    if (fired) return;
    fired = true;
    void onCancel(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** What the main step tells the guard about its sessions as the run goes on. */
export interface SessionGuard {
  /** A create request was sent; it may still answer after a cancellation. */
  creating(request: Promise<{ sessionId: string }>): void;
  /** A session exists. */
  created(sessionId: string): void;
  /** Once true, the guard owns the sessions and ends the process: the run must stop. */
  readonly cancelled: boolean;
  /** The run is over without a cancellation: stop watching. */
  stop(): void;
}

/**
 * Watches for cancellation while the main step holds sessions (one, or a batch's several).
 * On cancel it waits briefly for creates in flight, deletes every session (unless they are
 * to be kept) side by side, fails the step and exits: a run_code call in flight would only
 * add a second, misleading error.
 */
export function guardSession(
  client: Pick<AgentBayClient, 'deleteSession'>,
  options: { deleteOnCancel: boolean },
): SessionGuard {
  const sessionIds = new Set<string>();
  const pending = new Set<Promise<{ sessionId: string }>>();
  let cancelled = false;

  const stopWatching = watchCancellation(async (signal) => {
    const deadline = Date.now() + CANCEL_WINDOW_MS;
    cancelled = true;
    core.error(`The step was cancelled (${signal}).`);
    if (pending.size > 0) {
      const landed = await Promise.race([
        Promise.all(
          [...pending].map((request) =>
            request.then(
              (s) => s.sessionId,
              () => '',
            ),
          ),
        ),
        new Promise<string[]>((resolve) =>
          setTimeout(() => resolve([]), CANCEL_CREATE_WAIT_MS).unref(),
        ),
      ]);
      for (const id of landed) if (id) sessionIds.add(id);
      // A create still unanswered may yet make a session: the post step searches for it.
      if (landed.length === 0) saveState.createUncertain();
    }
    const ids = [...sessionIds];
    const left = deadline - Date.now();
    if (ids.length > 0 && options.deleteOnCancel && left < MIN_DELETE_MS) {
      core.warning(
        `No time left to delete ${describeSessions(ids)} on cancellation; the post step does.`,
      );
    } else if (ids.length > 0 && options.deleteOnCancel) {
      const deleted = await Promise.all(ids.map((id) => deleteOnCancel(client, id, left)));
      if (deleted.every(Boolean)) saveState.deletedByMain();
    }
    const which =
      ids.length > 0
        ? ` while ${describeSessions(ids)} ${ids.length === 1 ? 'was' : 'were'} in use`
        : '';
    core.setFailed(`Cancelled by ${signal}${which}.`);
    process.exit(1);
  });

  return {
    creating: (request) => {
      pending.add(request);
      // Once settled, a create is known by its outcome (created(), or a failure).
      const settle = () => void pending.delete(request);
      request.then(settle, settle);
    },
    created: (id) => void sessionIds.add(id),
    get cancelled() {
      return cancelled;
    },
    stop: stopWatching,
  };
}

function describeSessions(ids: readonly string[]): string {
  return ids.length === 1 ? `session ${printableId(ids[0] ?? '')}` : `${ids.length} sessions`;
}

async function deleteOnCancel(
  client: Pick<AgentBayClient, 'deleteSession'>,
  id: string,
  leftMs: number,
): Promise<boolean> {
  const shown = printableId(id);
  try {
    // Every attempt, retries included, ends by the deadline.
    await client.deleteSession(id, { timeoutMs: leftMs, retryBudgetMs: leftMs });
    core.info(`Deleted session ${shown} on cancellation.`);
    return true;
  } catch (error) {
    core.warning(
      `Could not delete session ${shown} on cancellation (${describeFailure(error)}); the post step tries again.`,
    );
    return false;
  }
}
