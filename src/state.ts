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
  /** `cleanup: false`: the user keeps the session for debugging. */
  keepSession: boolean;
  /** The main step already deleted the session (on cancellation). */
  deletedByMain: boolean;
  create: CreateProgress;
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
  keepSession: () => core.saveState(KEYS.keepSession, 'true'),
  deletedByMain: () => core.saveState(KEYS.deletedByMain, 'true'),
};

export function readState(): SavedState {
  const create = core.getState(KEYS.create);
  return {
    cleanupToken: core.getState(KEYS.cleanupToken),
    sessionId: core.getState(KEYS.sessionId),
    sessionProof: core.getState(KEYS.sessionProof),
    keepSession: core.getState(KEYS.keepSession) === 'true',
    deletedByMain: core.getState(KEYS.deletedByMain) === 'true',
    create: create === 'sent' || create === 'failed' || create === 'unknown' ? create : '',
  };
}
