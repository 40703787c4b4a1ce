import * as core from '@actions/core';

/**
 * What the main step leaves for the post step. Saved piece by piece as soon as each is
 * known, so that a step killed half-way still leaves enough to clean up after it.
 */
const KEYS = {
  cleanupToken: 'cleanup-token',
  sessionId: 'session-id',
  keepSession: 'keep-session',
  deletedByMain: 'deleted-by-main',
  createUncertain: 'create-uncertain',
  reportedCause: 'reported-cause',
} as const;

export interface SavedState {
  /** The value of the per-step session label; every session this step created carries it. */
  cleanupToken: string;
  sessionId: string;
  /** `cleanup: false`: the user keeps the session for debugging. */
  keepSession: boolean;
  /** The main step already deleted the session (on cancellation). */
  deletedByMain: boolean;
  /** A create got no answer (timeout, reset): the service may have made a session anyway. */
  createUncertain: boolean;
  /** A failure the main step already reported ('auth', 'unreachable'): not to be repeated. */
  reportedCause: string;
}

export const saveState = {
  cleanupToken: (token: string) => core.saveState(KEYS.cleanupToken, token),
  sessionId: (id: string) => core.saveState(KEYS.sessionId, id),
  keepSession: () => core.saveState(KEYS.keepSession, 'true'),
  deletedByMain: () => core.saveState(KEYS.deletedByMain, 'true'),
  createUncertain: () => core.saveState(KEYS.createUncertain, 'true'),
  reportedCause: (cause: 'auth' | 'unreachable') => core.saveState(KEYS.reportedCause, cause),
};

export function readState(): SavedState {
  return {
    cleanupToken: core.getState(KEYS.cleanupToken),
    sessionId: core.getState(KEYS.sessionId),
    keepSession: core.getState(KEYS.keepSession) === 'true',
    deletedByMain: core.getState(KEYS.deletedByMain) === 'true',
    createUncertain: core.getState(KEYS.createUncertain) === 'true',
    reportedCause: core.getState(KEYS.reportedCause),
  };
}
