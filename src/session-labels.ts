import { randomBytes } from 'node:crypto';

/** The label that ties a session to the one step that created it. */
export const CLEANUP_TOKEN_LABEL = 'gha-step-token';

/** A fresh, unguessable value for the cleanup label. */
export function newCleanupToken(): string {
  return randomBytes(12).toString('hex');
}

/**
 * Labels that trace a session back to its workflow run (repository, run, attempt, job) and
 * to this step (the cleanup token), plus the user's own. Empty values are left out: the
 * service does not accept them.
 */
export function sessionLabels(
  env: NodeJS.ProcessEnv,
  cleanupToken: string,
  userLabels: Record<string, string>,
): Record<string, string> {
  const ours: Record<string, string | undefined> = {
    'gha-repo': env.GITHUB_REPOSITORY,
    'gha-run-id': env.GITHUB_RUN_ID,
    'gha-run-attempt': env.GITHUB_RUN_ATTEMPT,
    'gha-job': env.GITHUB_JOB,
    [CLEANUP_TOKEN_LABEL]: cleanupToken,
  };
  const labels: Record<string, string> = { ...userLabels };
  for (const [key, value] of Object.entries(ours)) {
    if (value) labels[key] = value.slice(0, 256);
  }
  return labels;
}
