import * as core from '@actions/core';

/**
 * What the main step leaves for the post step. Saved piece by piece as soon as each is
 * known, so that a step killed half-way still leaves enough to clean up after it. A later
 * value of a key replaces an earlier one.
 */
const KEYS = {
  cleanupToken: 'cleanup-token',
  sessions: 'sessions',
  keepSession: 'keep-session',
  deletedByMain: 'deleted-by-main',
  create: 'create',
} as const;

/**
 * Where the creates stand: `sent` (saved before a request leaves, so a step killed while it is
 * in flight still says so), then '' once every create answered with a session or a provable
 * refusal, or `unknown` when one went unanswered (the service may have made a session anyway).
 */
export type CreateProgress = '' | 'sent' | 'unknown';

export interface SavedState {
  /** The value of the per-step session label; every session this step created carries it. */
  cleanupToken: string;
  /** Every session this step created, in the order the creates answered (one for a single run). */
  sessions: SavedSession[];
  /** `cleanup: false`: the user keeps the sessions for debugging. */
  keepSession: boolean;
  /** The main step already deleted its sessions (on cancellation). */
  deletedByMain: boolean;
  create: CreateProgress;
}

export interface SavedSession {
  id: string;
  /** Ties `id` to this step (see ownership.ts); a forged id has none that verifies. */
  proof: string;
}

/** The most sessions the post step takes from the state: far more than a step may hold. */
const MAX_SAVED_SESSIONS = 64;

export const saveState = {
  cleanupToken: (token: string) => core.saveState(KEYS.cleanupToken, token),
  createSent: () => core.saveState(KEYS.create, 'sent'),
  createUncertain: () => core.saveState(KEYS.create, 'unknown'),
  /** Every create settled with a session or a provable failure: nothing to search for. */
  createSettled: () => core.saveState(KEYS.create, ''),
  /** The whole list each time: a step killed between two saves still leaves all but the newest. */
  sessions: (sessions: readonly SavedSession[]) =>
    core.saveState(KEYS.sessions, JSON.stringify(sessions)),
  keepSession: () => core.saveState(KEYS.keepSession, 'true'),
  deletedByMain: () => core.saveState(KEYS.deletedByMain, 'true'),
};

export function readState(): SavedState {
  const create = core.getState(KEYS.create);
  return {
    cleanupToken: core.getState(KEYS.cleanupToken),
    sessions: parseSessions(core.getState(KEYS.sessions)),
    keepSession: core.getState(KEYS.keepSession) === 'true',
    deletedByMain: core.getState(KEYS.deletedByMain) === 'true',
    create: create === 'sent' || create === 'unknown' ? create : '',
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
    .slice(0, MAX_SAVED_SESSIONS)
    .map(({ id, proof }) => ({ id, proof }));
}
