import { randomBytes } from 'node:crypto';

/** Every label this action sets starts with this; user labels may not. */
export const RESERVED_LABEL_PREFIX = 'gha-';

/** The label that ties a session to the one step that created it. */
export const CLEANUP_TOKEN_LABEL = `${RESERVED_LABEL_PREFIX}step-token`;

/** The service keeps at most 20 labels of ≤128-character keys and ≤256-character values. */
export const MAX_LABELS = 20;

/**
 * The labels this action sets, and where each value comes from: they trace a session back
 * to its workflow run (repository, run, attempt, job) and to this step (the cleanup token).
 */
const ACTION_LABELS = {
  [`${RESERVED_LABEL_PREFIX}repo`]: (env: NodeJS.ProcessEnv) => env.GITHUB_REPOSITORY,
  [`${RESERVED_LABEL_PREFIX}run-id`]: (env: NodeJS.ProcessEnv) => env.GITHUB_RUN_ID,
  [`${RESERVED_LABEL_PREFIX}run-attempt`]: (env: NodeJS.ProcessEnv) => env.GITHUB_RUN_ATTEMPT,
  [`${RESERVED_LABEL_PREFIX}job`]: (env: NodeJS.ProcessEnv) => env.GITHUB_JOB,
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
  env: NodeJS.ProcessEnv,
  cleanupToken: string,
  userLabels: Record<string, string>,
): Record<string, string> {
  const ours: Record<string, string | undefined> = {};
  for (const [key, read] of Object.entries(ACTION_LABELS)) ours[key] = read(env);
  ours[CLEANUP_TOKEN_LABEL] = cleanupToken;
  const labels: Record<string, string> = { ...userLabels };
  for (const [key, value] of Object.entries(ours)) {
    if (value) labels[key] = value.slice(0, 256);
  }
  return labels;
}
