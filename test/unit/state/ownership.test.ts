import { describe, expect, it } from 'vitest';
import {
  carriesToken,
  hasValidProof,
  isCleanupToken,
  sessionProof,
} from '../../../src/state/ownership.ts';
import { newCleanupToken } from '../../../src/state/session-labels.ts';

const KEY = 'akm-OWNER-0123456789';

describe('ownership', () => {
  const token = newCleanupToken();
  it('a proof verifies only for the key, token and id it was made for', () => {
    const proof = sessionProof(KEY, token, 'session-a');
    expect(proof).toMatch(/^[0-9a-f]{64}$/);
    expect(proof).not.toContain(KEY);
    expect(hasValidProof(KEY, token, 'session-a', proof)).toBe(true);
    expect(hasValidProof(KEY, token, 'session-b', proof)).toBe(false);
    expect(hasValidProof(`${KEY}x`, token, 'session-a', proof)).toBe(false);
    expect(hasValidProof(KEY, newCleanupToken(), 'session-a', proof)).toBe(false);
    expect(hasValidProof(KEY, token, 'session-a', '')).toBe(false);
    expect(hasValidProof(KEY, token, 'session-a', proof.toUpperCase())).toBe(false);
    expect(hasValidProof(KEY, token, 'session-a', `${proof}00`)).toBe(false);
  });

  it('tokens: only the shape this action makes', () => {
    expect(isCleanupToken(token)).toBe(true);
    for (const bad of ['', '*', 'feedface', `${token}\n`, token.toUpperCase()]) {
      expect(isCleanupToken(bad)).toBe(false);
    }
  });

  it('a session is ours only when its own labels carry our token', () => {
    expect(carriesToken({ 'gha-step-token': token }, token)).toBe(true);
    expect(carriesToken({ 'gha-step-token': 'other' }, token)).toBe(false);
    expect(carriesToken({}, token)).toBe(false);
  });
});
