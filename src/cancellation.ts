import * as core from '@actions/core';
import type { AgentBayClient } from './agentbay/client.ts';
import { describeFailure } from './failure.ts';
import { printableId } from './printable-id.ts';
import { saveState } from './state.ts';

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

/** What the main step tells the guard about its session as the run goes on. */
export interface SessionGuard {
  /** The create request was sent; it may still answer after a cancellation. */
  creating(request: Promise<{ sessionId: string }>): void;
  /** The session exists. */
  created(sessionId: string): void;
  /** Once true, the guard owns the session and ends the process: the run must stop. */
  readonly cancelled: boolean;
  /** The run is over without a cancellation: stop watching. */
  stop(): void;
}

/**
 * Watches for cancellation while the main step holds a session. On cancel it waits briefly
 * for a create in flight, deletes the session (unless it is to be kept), fails the step and
 * exits: the run_code call in flight would only add a second, misleading error.
 */
export function guardSession(
  client: Pick<AgentBayClient, 'deleteSession'>,
  options: { deleteOnCancel: boolean },
): SessionGuard {
  let sessionId = '';
  let creating: Promise<{ sessionId: string }> | undefined;
  let cancelled = false;

  const stopWatching = watchCancellation(async (signal) => {
    const deadline = Date.now() + CANCEL_WINDOW_MS;
    cancelled = true;
    core.error(`The step was cancelled (${signal}).`);
    const id =
      sessionId ||
      (await Promise.race([
        creating?.then((s) => s.sessionId).catch(() => ''),
        new Promise<string>((resolve) =>
          setTimeout(() => resolve(''), CANCEL_CREATE_WAIT_MS).unref(),
        ),
      ])) ||
      '';
    if (!id && creating) saveState.createUncertain();
    const shown = printableId(id);
    const left = deadline - Date.now();
    if (id && options.deleteOnCancel && left < MIN_DELETE_MS) {
      core.warning(`No time left to delete session ${shown} on cancellation; the post step does.`);
    } else if (id && options.deleteOnCancel) {
      try {
        // Every attempt, retries included, ends by the deadline.
        await client.deleteSession(id, { timeoutMs: left, retryBudgetMs: left });
        saveState.deletedByMain();
        core.info(`Deleted session ${shown} on cancellation.`);
      } catch (error) {
        core.warning(
          `Could not delete session ${shown} on cancellation (${describeFailure(error)}); the post step tries again.`,
        );
      }
    }
    core.setFailed(`Cancelled by ${signal}${id ? ` while session ${shown} was in use` : ''}.`);
    process.exit(1);
  });

  return {
    creating: (request) => void (creating = request),
    created: (id) => void (sessionId = id),
    get cancelled() {
      return cancelled;
    },
    stop: stopWatching,
  };
}
