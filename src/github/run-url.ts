/** The workflow run's page, as the runner's environment describes it; '' when it cannot say. */
export function runUrl(env: NodeJS.ProcessEnv): string {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  if (
    !/^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ||
    !/^\d+$/.test(env.GITHUB_RUN_ID ?? '')
  ) {
    return '';
  }
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/**
 * The page of a workspace file at the commit being built (`…/blob/<sha>/<path>`), to which a
 * line anchor can be added; '' when the environment does not say which commit.
 */
export function blobUrl(env: NodeJS.ProcessEnv, filePath: string): string {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  if (
    !/^https?:\/\/[\w.:-]+$/.test(server) ||
    !/^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ||
    !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(env.GITHUB_SHA ?? '') ||
    !filePath ||
    filePath.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    return '';
  }
  const encoded = filePath.split('/').map(encodeURIComponent).join('/');
  return `${server}/${env.GITHUB_REPOSITORY}/blob/${env.GITHUB_SHA}/${encoded}`;
}
