import * as core from '@actions/core';
import { AgentBayClient } from './agentbay/client.ts';
import { debugExchange, describeFailure } from './failure.ts';
import { parseEndpoint, readApiKey } from './inputs.ts';
import { CLEANUP_TOKEN_LABEL } from './session-labels.ts';
import { readState, type SavedState } from './state.ts';
import { USER_AGENT } from './version.ts';

/** Well inside the 5 minutes a cancelled job still gets, and short for a normal one. */
export interface CleanupLimits {
  /** The whole cleanup: well inside the 5 minutes a cancelled job still gets. */
  deadlineMs: number;
  /**
   * After a create went unanswered, how long to keep looking for the session it may have
   * made: labels are eventually consistent, and the service may finish the create late.
   */
  searchWindowMs: number;
  /** Pause between label searches (the SDK's own tests wait 5 s for new labels). */
  searchIntervalMs: number;
}

export const CLEANUP_LIMITS: CleanupLimits = {
  deadlineMs: 90_000,
  searchWindowMs: 45_000,
  searchIntervalMs: 5_000,
};

/**
 * The post step: delete the session the main step saved, then every other session that
 * carries this step's cleanup label (a create whose answer was lost). Never fails the job:
 * problems become warnings, and the service's idle timeout is the last backstop.
 */
export async function cleanup(
  env: NodeJS.ProcessEnv = process.env,
  limits: CleanupLimits = CLEANUP_LIMITS,
): Promise<void> {
  const { deadlineMs } = limits;
  const state = readState();
  if (!state.cleanupToken) {
    core.info('The main step created no session: nothing to clean up.');
    return;
  }
  if (state.keepSession) {
    core.info(`cleanup is false: session ${state.sessionId || '(none)'} is kept.`);
    return;
  }

  let client: AgentBayClient;
  try {
    const apiKey = readApiKey(core.getInput, env);
    core.setSecret(apiKey);
    client = new AgentBayClient({
      endpoint: parseEndpoint(core.getInput('endpoint')),
      apiKey,
      userAgent: USER_AGENT,
      callTimeoutMs: 10_000,
      retry: { totalBudgetMs: 20_000 },
      onExchange: debugExchange,
    });
  } catch (error) {
    core.warning(
      `Cannot clean up: ${describeFailure(error)}. Session ${state.sessionId || '(unknown)'} is released by its idle timeout.`,
    );
    return;
  }

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  try {
    const outcome = await Promise.race([deleteAll(client, state, limits), deadline]);
    if (outcome === 'deadline') {
      core.warning(
        `Cleanup stopped after ${Math.round(deadlineMs / 1000)} s; anything left is released by the session idle timeout.`,
      );
    }
  } finally {
    clearTimeout(timer);
    await client.destroy().catch(() => undefined);
  }
}

async function deleteAll(
  client: AgentBayClient,
  state: SavedState,
  limits: CleanupLimits,
): Promise<void> {
  const handled = new Set<string>();
  const saved = [...new Set([state.sessionId, ...state.sessionIds].filter(Boolean))];
  for (const id of saved) handled.add(id);
  if (state.deletedByMain) {
    for (const id of saved) {
      core.info(`Session ${id} was already deleted when the step was cancelled.`);
    }
  } else {
    // A batch's sessions are independent: delete them side by side.
    await Promise.all(saved.map((id) => deleteOne(client, id)));
  }
  let found = await deleteLabelled(client, state.cleanupToken, handled);
  // With every create confirmed there is nothing more to look for.
  if (!state.createUncertain || (saved.length > 0 && state.sessionIds.length === 0) || found > 0) {
    return;
  }
  const until = Date.now() + limits.searchWindowMs;
  core.info(
    `A create went unanswered; looking for the session it may have made for up to ${Math.round(limits.searchWindowMs / 1000)} s …`,
  );
  while (found === 0 && Date.now() + limits.searchIntervalMs <= until) {
    await new Promise((resolve) => setTimeout(resolve, limits.searchIntervalMs));
    found = await deleteLabelled(client, state.cleanupToken, handled);
  }
  if (found === 0) {
    core.info(
      'No session from the unanswered create turned up; if one appears later, its idle timeout releases it.',
    );
  }
}

/** Deletes the sessions carrying this step's label that were not handled yet; returns how many. */
async function deleteLabelled(
  client: AgentBayClient,
  cleanupToken: string,
  handled: Set<string>,
): Promise<number> {
  let sessions;
  try {
    sessions = await client.listAllSessions({ [CLEANUP_TOKEN_LABEL]: cleanupToken });
  } catch (error) {
    core.warning(`Could not list sessions left by this step: ${describeFailure(error)}`);
    return 0;
  }
  let count = 0;
  for (const session of sessions) {
    if (handled.has(session.sessionId) || /^(DELETING|DELETED)$/i.test(session.status)) continue;
    handled.add(session.sessionId);
    count++;
    core.info(
      `Found session ${session.sessionId} from this step that was never reported back; deleting it.`,
    );
    await deleteOne(client, session.sessionId);
  }
  return count;
}

async function deleteOne(client: AgentBayClient, sessionId: string): Promise<void> {
  try {
    const { alreadyGone, requestId } = await client.deleteSession(sessionId);
    core.info(
      alreadyGone
        ? `Session ${sessionId} was already gone.`
        : `Deleted session ${sessionId} (request id ${requestId || 'none'}).`,
    );
  } catch (error) {
    core.warning(
      `Could not delete session ${sessionId}: ${describeFailure(error)}. Its idle timeout releases it.`,
    );
  }
}
