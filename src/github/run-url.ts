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
