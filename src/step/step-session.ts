import { AgentBayClient } from '../agentbay/client.ts';
import { guardSession, type SessionGuard } from './cancellation.ts';
import { debugExchange } from './failure.ts';
import type { ActionInputs } from '../inputs/inputs.ts';
import { newCleanupToken } from '../state/session-labels.ts';
import { saveState } from '../state/state.ts';
import { USER_AGENT } from '../version.ts';

/** What a main step needs before its first call: the cleanup label, the client, the guard. */
export interface StepSession {
  /** Empty when the step reuses an earlier step's session (`session-id`). */
  cleanupToken: string;
  /** The session an earlier step created, or ''. */
  reused: string;
  client: AgentBayClient;
  guard: SessionGuard;
}

/**
 * Records what the post step needs before any session can exist, then builds the client and
 * the cancellation guard. A reused session is the creating step's to delete: no state, and
 * cancellation leaves it alone.
 */
export function startStepSession(inputs: ActionInputs): StepSession {
  const reused = inputs.reuseSessionId;
  const cleanupToken = reused ? '' : newCleanupToken();
  if (!reused) {
    saveState.cleanupToken(cleanupToken);
    if (!inputs.cleanup) saveState.keepSession();
  }
  const client = new AgentBayClient({
    endpoint: inputs.endpoint,
    apiKey: inputs.apiKey,
    userAgent: USER_AGENT,
    onExchange: debugExchange,
  });
  const guard = guardSession(client, { deleteOnCancel: inputs.cleanup && !reused });
  return { cleanupToken, reused, client, guard };
}
