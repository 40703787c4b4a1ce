import * as core from '@actions/core';
import { AgentBayClient } from './agentbay/client.ts';
import { describeFailure } from './failure.ts';
import { parseEndpoint, readApiKey } from './inputs.ts';
import { CLEANUP_TOKEN_LABEL } from './session-labels.ts';
import { readState } from './state.ts';
import { USER_AGENT } from './version.ts';

/** Well inside the 5 minutes a cancelled job still gets, and short for a normal one. */
export const CLEANUP_DEADLINE_MS = 90_000;

/**
 * The post step: delete the session the main step saved, then every other session that
 * carries this step's cleanup label (a create whose answer was lost). Never fails the job:
 * problems become warnings, and the service's idle timeout is the last backstop.
 */
export async function cleanup(
  env: NodeJS.ProcessEnv = process.env,
  deadlineMs = CLEANUP_DEADLINE_MS,
): Promise<void> {
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
    const outcome = await Promise.race([
      deleteAll(client, state.sessionId, state.deletedByMain, state.cleanupToken),
      deadline,
    ]);
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
  sessionId: string,
  deletedByMain: boolean,
  cleanupToken: string,
): Promise<void> {
  const handled = new Set<string>();
  if (sessionId) {
    handled.add(sessionId);
    if (deletedByMain)
      core.info(`Session ${sessionId} was already deleted when the step was cancelled.`);
    else await deleteOne(client, sessionId);
  }
  let others;
  try {
    others = await client.listAllSessions({ [CLEANUP_TOKEN_LABEL]: cleanupToken });
  } catch (error) {
    core.warning(`Could not list sessions left by this step: ${describeFailure(error)}`);
    return;
  }
  for (const session of others) {
    if (handled.has(session.sessionId) || /^(DELETING|DELETED)$/i.test(session.status)) continue;
    handled.add(session.sessionId);
    core.info(
      `Found session ${session.sessionId} from this step that was never reported back; deleting it.`,
    );
    await deleteOne(client, session.sessionId);
  }
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
