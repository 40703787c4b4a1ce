import * as core from '@actions/core';

/**
 * What the main step leaves for the post step. Saved piece by piece as soon as each is
 * known, so that a step killed half-way still leaves enough to clean up after it.
 */
const KEYS = {
  cleanupToken: 'cleanup-token',
  sessionId: 'session-id',
  sessionIds: 'session-ids',
  keepSession: 'keep-session',
  deletedByMain: 'deleted-by-main',
  createUncertain: 'create-uncertain',
} as const;

export interface SavedState {
  /** The value of the per-step session label; every session this step created carries it. */
  cleanupToken: string;
  sessionId: string;
  /** Every session a batch created (`sessionId` is the first of them); empty for one run. */
  sessionIds: string[];
  /** `cleanup: false`: the user keeps the session for debugging. */
  keepSession: boolean;
  /** The main step already deleted the session (on cancellation). */
  deletedByMain: boolean;
  /** A create got no answer (timeout, reset): the service may have made a session anyway. */
  createUncertain: boolean;
}

export const saveState = {
  cleanupToken: (token: string) => core.saveState(KEYS.cleanupToken, token),
  sessionId: (id: string) => core.saveState(KEYS.sessionId, id),
  /** The whole list each time: a step killed between two saves still leaves all but the newest. */
  sessionIds: (ids: readonly string[]) => core.saveState(KEYS.sessionIds, JSON.stringify(ids)),
  keepSession: () => core.saveState(KEYS.keepSession, 'true'),
  deletedByMain: () => core.saveState(KEYS.deletedByMain, 'true'),
  createUncertain: () => core.saveState(KEYS.createUncertain, 'true'),
};

export function readState(): SavedState {
  return {
    cleanupToken: core.getState(KEYS.cleanupToken),
    sessionId: core.getState(KEYS.sessionId),
    sessionIds: parseIds(core.getState(KEYS.sessionIds)),
    keepSession: core.getState(KEYS.keepSession) === 'true',
    deletedByMain: core.getState(KEYS.deletedByMain) === 'true',
    createUncertain: core.getState(KEYS.createUncertain) === 'true',
  };
}

function parseIds(text: string): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}
