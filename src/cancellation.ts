import * as core from '@actions/core';
import type { AgentBayClient } from './agentbay/client.ts';
import { describeFailure } from './failure.ts';
import { saveState } from './state.ts';

/**
 * On cancellation: how long to wait for a create in flight, and for the delete. The handler
 * ignores the SIGTERM that follows SIGINT after 7.5 s, so it has until the kill at 10 s.
 */
const CANCEL_CREATE_WAIT_MS = 5_000;
const CANCEL_DELETE_MS = 4_000;

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
    if (id && options.deleteOnCancel) {
      try {
        await client.deleteSession(id, {
          timeoutMs: CANCEL_DELETE_MS,
          retryBudgetMs: CANCEL_DELETE_MS,
        });
        saveState.deletedByMain();
        core.info(`Deleted session ${id} on cancellation.`);
      } catch (error) {
        core.warning(
          `Could not delete session ${id} on cancellation (${describeFailure(error)}); the post step tries again.`,
        );
      }
    }
    core.setFailed(`Cancelled by ${signal}${id ? ` while session ${id} was in use` : ''}.`);
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
