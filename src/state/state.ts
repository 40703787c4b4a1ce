import * as core from '@actions/core';

/**
 * What the main step leaves for the post step. Saved piece by piece as soon as each is
 * known, so that a step killed half-way still leaves enough to clean up after it. A later
 * value of a key replaces an earlier one.
 */
const KEYS = {
  cleanupToken: 'cleanup-token',
  sessionId: 'session-id',
  sessionProof: 'session-proof',
  batchSessions: 'batch-sessions',
  keepSession: 'keep-session',
  deletedByMain: 'deleted-by-main',
  create: 'create',
} as const;

/**
 * Where the create stands: `sent` (saved before the request leaves, so a step killed while
 * it is in flight still says so), then `failed` (the service provably made no session) or
 * `unknown` (no answer: it may have). A confirmed create leaves `session-id` instead.
 */
export type CreateProgress = '' | 'sent' | 'failed' | 'unknown';

export interface SavedState {
  /** The value of the per-step session label; every session this step created carries it. */
  cleanupToken: string;
  sessionId: string;
  /** Ties `sessionId` to this step (see ownership.ts); a forged id has none that verifies. */
  sessionProof: string;
  /** Every session a batch created, each with its proof (`sessionId` is the first); else []. */
  batchSessions: SavedSession[];
  /** `cleanup: false`: the user keeps the session for debugging. */
  keepSession: boolean;
  /** The main step already deleted the session (on cancellation). */
  deletedByMain: boolean;
  create: CreateProgress;
}

export interface SavedSession {
  id: string;
  proof: string;
}

export const saveState = {
  cleanupToken: (token: string) => core.saveState(KEYS.cleanupToken, token),
  createSent: () => core.saveState(KEYS.create, 'sent'),
  createFailed: () => core.saveState(KEYS.create, 'failed'),
  createUncertain: () => core.saveState(KEYS.create, 'unknown'),
  sessionId: (id: string, proof = '') => {
    core.saveState(KEYS.sessionId, id);
    core.saveState(KEYS.sessionProof, proof);
  },
  /** The whole list each time: a step killed between two saves still leaves all but the newest. */
  batchSessions: (sessions: readonly SavedSession[]) =>
    core.saveState(KEYS.batchSessions, JSON.stringify(sessions)),
  /** A batch's creates all settled with a session or a provable failure: nothing to search for. */
  createSettled: () => core.saveState(KEYS.create, ''),
  keepSession: () => core.saveState(KEYS.keepSession, 'true'),
  deletedByMain: () => core.saveState(KEYS.deletedByMain, 'true'),
};

export function readState(): SavedState {
  const create = core.getState(KEYS.create);
  return {
    cleanupToken: core.getState(KEYS.cleanupToken),
    sessionId: core.getState(KEYS.sessionId),
    sessionProof: core.getState(KEYS.sessionProof),
    batchSessions: parseSessions(core.getState(KEYS.batchSessions)),
    keepSession: core.getState(KEYS.keepSession) === 'true',
    deletedByMain: core.getState(KEYS.deletedByMain) === 'true',
    create: create === 'sent' || create === 'failed' || create === 'unknown' ? create : '',
  };
}

/** The saved list, read defensively: the state file is not ours alone to write. */
function parseSessions(text: string): SavedSession[] {
  if (!text) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (item): item is SavedSession =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as SavedSession).id === 'string' &&
        typeof (item as SavedSession).proof === 'string',
    )
    .slice(0, 64)
    .map(({ id, proof }) => ({ id, proof }));
}
