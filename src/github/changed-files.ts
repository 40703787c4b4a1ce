// `changed-only`: the files the change touched, as GitHub's REST API lists them. A pull
// request's files (all pages), a push's compare between `before` and `after`. When the list
// cannot be had, the answer says why, and the step runs everything: a check that silently ran
// nothing would pass a broken change.
import { PULL_REQUEST_EVENTS } from './pr-comment.ts';

/** The pull-request files endpoint lists at most this many files, whatever the paging. */
export const MAX_PULL_REQUEST_FILES = 3000;
/** The compare endpoint lists at most this many files, on its first page only. */
export const MAX_COMPARE_FILES = 300;

/** What the change touched, or why everything runs. */
export type ChangedFiles =
  | {
      kind: 'changed';
      /** Workspace-relative paths that exist after the change (added, modified, renamed to). */
      paths: Set<string>;
      /** What was compared, for the log: `pull request #7`, `push abc1234...def5678`. */
      change: string;
    }
  | {
      kind: 'all';
      /** A notice when the event has no change to compare; a warning when the API failed us. */
      level: 'notice' | 'warning';
      reason: string;
    };

/** A file as both endpoints list it. */
interface ListedFile {
  filename: string;
  status: string;
}

/**
 * The files the event's change touched. Never throws: whatever keeps the list from being
 * complete (the event, the token's permissions, the API's limits) is the reason everything runs.
 */
export async function listChangedFiles(token: string): Promise<ChangedFiles> {
  // Loaded only when wanted: it reads the event and the repository from the environment.
  const { context, getOctokit } = await import('@actions/github');
  const event = context.eventName ?? '';
  const payload = context.payload;
  const octokit = getOctokit(token);
  try {
    if (PULL_REQUEST_EVENTS.includes(event)) {
      const number = payload.pull_request?.number ?? payload.number;
      if (typeof number !== 'number') {
        return warning('the event payload names no pull request');
      }
      const declared = Number(payload.pull_request?.changed_files ?? 0);
      if (declared > MAX_PULL_REQUEST_FILES) {
        return warning(
          `pull request #${number} changes ${declared} files, and the API lists at most ${MAX_PULL_REQUEST_FILES}`,
        );
      }
      const files: ListedFile[] = await octokit.paginate(octokit.rest.pulls.listFiles, {
        ...context.repo,
        pull_number: number,
        per_page: 100,
      });
      if (files.length >= MAX_PULL_REQUEST_FILES) {
        return warning(
          `pull request #${number} lists ${files.length} files, the API's limit, so some may be missing`,
        );
      }
      return changed(files, `pull request #${number}`);
    }
    if (event === 'push') {
      const before = String(payload.before ?? '');
      const after = String(payload.after ?? '');
      if (!/^[0-9a-f]{40,64}$/.test(after) || !/^[0-9a-f]{40,64}$/.test(before)) {
        return warning('the push event names no before and after commits');
      }
      if (/^0+$/.test(before)) {
        return warning('the push created the branch, so there is no earlier commit to compare');
      }
      const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
        ...context.repo,
        basehead: `${before}...${after}`,
      });
      const files: ListedFile[] = data.files ?? [];
      if (files.length >= MAX_COMPARE_FILES) {
        return warning(
          `the push changes ${files.length} or more files, and the compare API lists at most ${MAX_COMPARE_FILES}`,
        );
      }
      return changed(files, `push ${before.slice(0, 7)}...${after.slice(0, 7)}`);
    }
    return {
      kind: 'all',
      level: 'notice',
      reason: `a '${event || 'unknown'}' event has no changed files (only pull_request, pull_request_target and push have)`,
    };
  } catch (error) {
    return warning(`the GitHub API refused the file list: ${describeApiError(error)}`);
  }
}

function changed(files: readonly ListedFile[], change: string): ChangedFiles {
  // A removed file has nothing to run; a renamed one is listed under its new name.
  const paths = new Set(
    files.filter((f) => f.status !== 'removed' && f.status !== 'unchanged').map((f) => f.filename),
  );
  return { kind: 'changed', paths, change };
}

function warning(reason: string): ChangedFiles {
  return { kind: 'all', level: 'warning', reason };
}

/** The status and GitHub's message, with a hint for the usual cause. */
function describeApiError(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  const text = typeof status === 'number' ? `HTTP ${status}, ${message}` : message;
  const clipped = text.length > 500 ? `${text.slice(0, 499)}…` : text;
  return status === 403 || status === 404
    ? `${clipped} (the token needs 'contents: read' and, on pull requests, 'pull-requests: read')`
    : clipped;
}
