import * as core from '@actions/core';
import { AgentBayClient } from '../agentbay/client.ts';
import { debugExchange, describeFailure } from './failure.ts';
import { readApiKey } from '../inputs/api-key.ts';
import { readGateway } from '../inputs/session-inputs.ts';
import { isSessionGone } from '../agentbay/errors.ts';
import { carriesToken, hasValidProof, isCleanupToken } from '../state/ownership.ts';
import { printableId } from '../text/printable-id.ts';
import { makeRedactor } from '../text/secrets.ts';
import { CLEANUP_TOKEN_LABEL } from '../state/session-labels.ts';
import { readState, type SavedState } from '../state/state.ts';
import { USER_AGENT } from '../version.ts';

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
 * The post step: delete the sessions the main step saved; when the main step could not
 * confirm a create (in flight when it was killed, or unanswered), look for the session it
 * may have made by this step's label. Only sessions this step provably created are deleted: a
 * saved id with a valid proof, or a session whose own labels carry this step's token. Never
 * fails the job: problems become warnings, and the service's idle timeout is the last backstop.
 * `env` is read only for the API key (readApiKey).
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
  const first = state.sessions[0]?.id;
  const shownId = first ? printableId(first) : '(none)';
  if (!isCleanupToken(state.cleanupToken)) {
    core.warning(
      `The step state holds no valid cleanup token, so no session can be told to be this step's; nothing is deleted (session ${shownId} is released by its idle timeout).`,
    );
    return;
  }
  if (state.keepSession) {
    core.info(`cleanup is false: session ${shownId} is kept.`);
    return;
  }
  if (state.sessions.length === 0 && state.create === '') {
    core.info('The main step created no session: nothing to clean up.');
    return;
  }

  let client: AgentBayClient;
  let apiKey = '';
  try {
    apiKey = readApiKey(core.getInput, env);
    core.setSecret(apiKey);
    client = new AgentBayClient({
      endpoint: readGateway(core.getInput).endpoint,
      apiKey,
      userAgent: USER_AGENT,
      callTimeoutMs: 10_000,
      retry: { totalBudgetMs: 20_000 },
      onExchange: debugExchange,
    });
  } catch (error) {
    core.warning(
      // An input error may quote the input, and the key may have been pasted into it.
      `Cannot clean up: ${makeRedactor([apiKey])(describeFailure(error))}. Session ${shownId} is released by its idle timeout.`,
    );
    return;
  }

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  try {
    const outcome = await Promise.race([deleteOwn(client, apiKey, state, limits), deadline]);
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

/**
 * Every saved session, side by side: deleted at once when its proof verifies, else only if its
 * labels say it is this step's; then, when a create was never confirmed, the label search for
 * the session that create may have made.
 */
async function deleteOwn(
  client: AgentBayClient,
  apiKey: string,
  state: SavedState,
  limits: CleanupLimits,
): Promise<void> {
  const { cleanupToken } = state;
  await Promise.all(
    state.sessions.map(async ({ id, proof }) => {
      if (state.deletedByMain) {
        core.info(`Session ${printableId(id)} was already deleted when the step was cancelled.`);
      } else if (hasValidProof(apiKey, cleanupToken, id, proof)) {
        await deleteOne(client, id);
      } else {
        // Not written by this step's main step as it stands: delete it only if it is ours.
        await deleteIfOwned(client, id, cleanupToken, 'saved in the step state');
      }
    }),
  );
  if (state.create !== '') {
    const handled = new Set(state.sessions.map((s) => s.id));
    await searchByLabel(client, state, handled, limits);
  }
}

/** The create may still complete: labels are eventually consistent and the service may
 * finish a create late, so look again for a while. */
async function searchByLabel(
  client: AgentBayClient,
  state: SavedState,
  handled: Set<string>,
  limits: CleanupLimits,
): Promise<void> {
  const { cleanupToken } = state;
  const until = Date.now() + limits.searchWindowMs;
  core.info(
    `The main step could not confirm its session (${state.create === 'sent' ? 'it ended while the create was in flight' : 'the create went unanswered'}); looking for it by its label for up to ${Math.round(limits.searchWindowMs / 1000)} s …`,
  );
  for (;;) {
    const found = await deleteLabelled(client, cleanupToken, handled);
    if (found !== 0) return;
    if (Date.now() + limits.searchIntervalMs > until) break;
    await new Promise((resolve) => setTimeout(resolve, limits.searchIntervalMs));
  }
  core.info(
    'No session from the unconfirmed create turned up; if one appears later, its idle timeout releases it.',
  );
}

/**
 * Deletes the sessions listed under this step's label that were not handled yet and whose own
 * labels carry the token (a gateway may ignore the filter); returns how many were found, or
 * -1 when the list failed (searching again would only fail again).
 */
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
    return -1;
  }
  let count = 0;
  for (const session of sessions) {
    if (handled.has(session.sessionId) || /^(DELETING|DELETED)$/i.test(session.status)) continue;
    handled.add(session.sessionId);
    if (
      await deleteIfOwned(client, session.sessionId, cleanupToken, "listed under this step's label")
    ) {
      count++;
    }
  }
  return count;
}

/** Deletes the session only when its labels carry this step's token; returns whether it did. */
async function deleteIfOwned(
  client: AgentBayClient,
  sessionId: string,
  cleanupToken: string,
  where: string,
): Promise<boolean> {
  const shown = printableId(sessionId);
  let labels: Record<string, string>;
  try {
    ({ labels } = await client.getLabels(sessionId));
  } catch (error) {
    if (isSessionGone(error)) {
      core.info(`Session ${shown} (${where}) is already gone.`);
    } else {
      core.warning(
        `Could not check whose session ${shown} (${where}) is, so it was not deleted: ${describeFailure(error)}`,
      );
    }
    return false;
  }
  if (!carriesToken(labels, cleanupToken)) {
    core.warning(
      `Session ${shown} (${where}) does not carry this step's label, so it is not this step's and was left alone.`,
    );
    return false;
  }
  core.info(`Found session ${shown} from this step that was never reported back; deleting it.`);
  await deleteOne(client, sessionId);
  return true;
}

async function deleteOne(client: AgentBayClient, sessionId: string): Promise<void> {
  const shown = printableId(sessionId);
  try {
    const { alreadyGone, requestId } = await client.deleteSession(sessionId);
    core.info(
      alreadyGone
        ? `Session ${shown} was already gone.`
        : `Deleted session ${shown} (request id ${requestId || 'none'}).`,
    );
  } catch (error) {
    core.warning(
      `Could not delete session ${shown}: ${describeFailure(error)}. Its idle timeout releases it.`,
    );
  }
}
