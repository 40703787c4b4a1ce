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
 * to be kept), fails the step and exits: a run_code call in flight would only add a second,
 * misleading error.
 */
export function guardSession(
  client: Pick<AgentBayClient, 'deleteSession'>,
  options: { deleteOnCancel: boolean },
): SessionGuard {
  const sessionIds = new Set<string>();
  const creating = new Set<Promise<{ sessionId: string }>>();
  let cancelled = false;

  const stopWatching = watchCancellation(async (signal) => {
    cancelled = true;
    core.error(`The step was cancelled (${signal}).`);
    if (creating.size > 0) {
      const landed = await Promise.race([
        Promise.all(
          [...creating].map((request) => request.then((s) => s.sessionId).catch(() => '')),
        ),
        new Promise<string[]>((resolve) =>
          setTimeout(() => resolve([]), CANCEL_CREATE_WAIT_MS).unref(),
        ),
      ]);
      for (const id of landed) if (id) sessionIds.add(id);
      // A create still unanswered may yet make a session: the post step searches for it.
      if (landed.length === 0 || landed.includes('')) saveState.createUncertain();
    }
    const ids = [...sessionIds];
    if (ids.length > 0 && options.deleteOnCancel) {
      const deleted = await Promise.all(ids.map((id) => deleteOnCancel(client, id)));
      if (deleted.every(Boolean)) saveState.deletedByMain();
    }
    const which =
      ids.length === 1
        ? ` while session ${ids[0]} was in use`
        : ids.length > 1
          ? ` while ${ids.length} sessions were in use`
          : '';
    core.setFailed(`Cancelled by ${signal}${which}.`);
    process.exit(1);
  });

  return {
    creating: (request) => {
      creating.add(request);
      // Settled creates are known by their outcome (created() or a failure), not waited for.
      request.then(
        () => creating.delete(request),
        () => creating.delete(request),
      );
    },
    created: (id) => void sessionIds.add(id),
    get cancelled() {
      return cancelled;
    },
    stop: stopWatching,
  };
}

async function deleteOnCancel(
  client: Pick<AgentBayClient, 'deleteSession'>,
  id: string,
): Promise<boolean> {
  try {
    await client.deleteSession(id, {
      timeoutMs: CANCEL_DELETE_MS,
      retryBudgetMs: CANCEL_DELETE_MS,
    });
    core.info(`Deleted session ${id} on cancellation.`);
    return true;
  } catch (error) {
    core.warning(
      `Could not delete session ${id} on cancellation (${describeFailure(error)}); the post step tries again.`,
    );
    return false;
  }
}
