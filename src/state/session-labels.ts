import { randomBytes } from 'node:crypto';

/** Every label this action sets starts with this; user labels may not. */
export const RESERVED_LABEL_PREFIX = 'gha-';

/** The label that ties a session to the one step that created it. */
export const CLEANUP_TOKEN_LABEL = `${RESERVED_LABEL_PREFIX}step-token`;

/** The service keeps at most 20 labels of ≤128-character keys and ≤256-character values. */
export const MAX_LABELS = 20;

/** Where a run comes from, as the runner says (src/github/runner-context.ts gives it). */
export interface LabelSource {
  repository: string;
  runId: string;
  runAttempt: string;
  job: string;
}

/**
 * The labels this action sets, and where each value comes from: they trace a session back
 * to its workflow run (repository, run, attempt, job) and to this step (the cleanup token).
 */
const ACTION_LABELS = {
  [`${RESERVED_LABEL_PREFIX}repo`]: (source: LabelSource) => source.repository,
  [`${RESERVED_LABEL_PREFIX}run-id`]: (source: LabelSource) => source.runId,
  [`${RESERVED_LABEL_PREFIX}run-attempt`]: (source: LabelSource) => source.runAttempt,
  [`${RESERVED_LABEL_PREFIX}job`]: (source: LabelSource) => source.job,
} as const;

/** Labels this action sets itself (the table and the cleanup token); users get the rest. */
export const ACTION_LABEL_COUNT = Object.keys(ACTION_LABELS).length + 1;

/** How many labels a user may add. */
export const MAX_USER_LABELS = MAX_LABELS - ACTION_LABEL_COUNT;

/** A fresh, unguessable value for the cleanup label. */
export function newCleanupToken(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The user's labels plus the action's own. Empty values are left out: the service does
 * not accept them.
 */
export function sessionLabels(
  source: LabelSource,
  cleanupToken: string,
  userLabels: Record<string, string>,
): Record<string, string> {
  const ours: Record<string, string | undefined> = {};
  for (const [key, read] of Object.entries(ACTION_LABELS)) ours[key] = read(source);
  ours[CLEANUP_TOKEN_LABEL] = cleanupToken;
  const labels: Record<string, string> = { ...userLabels };
  for (const [key, value] of Object.entries(ours)) {
    if (value) labels[key] = value.slice(0, 256);
  }
  return labels;
}
