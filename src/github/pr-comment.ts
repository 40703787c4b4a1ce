/** Events whose payload names a pull request that a comment can go on. */
export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

export type CommentOutcome =
  { status: 'created' | 'updated'; url: string } | { status: 'not-a-pull-request'; event: string };

/**
 * Creates this step's comment on the pull request, or updates the one it made before (found
 * by `marker`). @actions/github and Octokit are loaded only here, when a comment is wanted;
 * its `context` reads the event, the payload and the repository from the runner's environment.
 */
export async function upsertComment(
  token: string,
  marker: string,
  body: string,
): Promise<CommentOutcome> {
  const { context, getOctokit } = await import('@actions/github');
  const event = context.eventName ?? '';
  if (!PULL_REQUEST_EVENTS.includes(event)) return { status: 'not-a-pull-request', event };
  const number = context.payload.pull_request?.number ?? context.payload.number;
  if (typeof number !== 'number') throw new Error('the event payload names no pull request');
  const { owner, repo } = context.repo;

  const octokit = getOctokit(token);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    owner,
    repo,
    issue_number: number,
    per_page: 100,
  });
  const author = await ownLogin(octokit);
  // Only a comment we wrote ourselves: anyone can paste the marker into a comment of theirs.
  const previous = comments.find(
    (c) =>
      c.body?.startsWith(marker) && (author ? c.user?.login === author : c.user?.type === 'Bot'),
  );
  if (previous) {
    const { data } = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: previous.id,
      body,
    });
    return { status: 'updated', url: data.html_url };
  }
  const { data } = await octokit.rest.issues.createComment({
    owner,
    repo,
    issue_number: number,
    body,
  });
  return { status: 'created', url: data.html_url };
}

/**
 * Who the token acts as. A personal token can say; the workflow's GITHUB_TOKEN and app tokens
 * cannot (403), and then their comments are the ones written by a bot.
 */
async function ownLogin(octokit: {
  rest: { users: { getAuthenticated: () => Promise<{ data: { login: string } }> } };
}): Promise<string | undefined> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch {
    return undefined;
  }
}
