import { AgentBayClient } from '../agentbay/client.ts';
import { guardSession, type SessionGuard } from './cancellation.ts';
import { debugExchange } from './failure.ts';
import type { ActionInputs } from '../inputs/action-inputs.ts';
import type { RunOrigin } from '../github/runner-context.ts';
import { RESERVED_LABEL_PREFIX, newCleanupToken, sessionLabels } from '../state/session-labels.ts';
import { clip } from '../text/clip.ts';
import { printableId } from '../text/printable-id.ts';
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

/** The labels a reused session must carry as this step would have set them. */
const REUSE_CHECKED_LABELS = [`${RESERVED_LABEL_PREFIX}repo`, `${RESERVED_LABEL_PREFIX}run-id`];

/**
 * A `session-id` names a session this workflow run created: its labels say this repository
 * and this run. Any other session of the account (another run's, another repository's) is
 * refused before any of this step's code or files reach it.
 */
export async function checkReusedSession(
  client: AgentBayClient,
  sessionId: string,
  origin: RunOrigin,
): Promise<void> {
  const { labels } = await client.getLabels(sessionId);
  const expected = sessionLabels(origin, '', {});
  for (const key of REUSE_CHECKED_LABELS) {
    const want = expected[key];
    if (want === undefined || labels[key] === want) continue;
    const found =
      labels[key] === undefined ? 'no such label' : JSON.stringify(clip(labels[key], 100));
    throw new Error(
      `session-id: session ${printableId(sessionId)} was not created by this workflow run (its ${key} label: ${found}, this run's: ${JSON.stringify(want)}); a step may only use a session that an earlier step of the same run created.`,
    );
  }
}

/**
 * The create answer lists the image's tools (`ToolList`): when it does and `run_code` is not
 * among them, the image cannot run code, whatever else it offers. An answer that lists nothing
 * readable says nothing, and the step goes on.
 */
export function requireRunCode(imageId: string, tools: string[] | undefined): void {
  if (tools === undefined || tools.includes('run_code')) return;
  // Escaped: the names are the service's text, and they end up in an annotation.
  const shown = tools.slice(0, 8).map((name) => JSON.stringify(clip(name, 40)).slice(1, -1));
  const more = tools.length > shown.length ? `, … (${tools.length} in all)` : '';
  throw new Error(
    `image ${JSON.stringify(clip(imageId, 128))} offers no run_code tool (its tools: ${shown.join(', ')}${more}), so it cannot run the code; use code_latest or a custom image built from a code image in the AgentBay console.`,
  );
}
