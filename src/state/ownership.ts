import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLEANUP_TOKEN_LABEL } from './session-labels.ts';

/** The shape of every cleanup token this action makes (`newCleanupToken`). */
const CLEANUP_TOKEN = /^[0-9a-f]{24}$/;

export function isCleanupToken(value: string): boolean {
  return CLEANUP_TOKEN.test(value);
}

/**
 * A proof that this step's main step created `sessionId`: an HMAC of the cleanup token and
 * the id under the API key. The post step deletes a saved id without asking the service whose
 * it is only when the proof verifies; a session id put into the state by anyone without the
 * key cannot carry one. The HMAC reveals nothing of the key.
 */
export function sessionProof(apiKey: string, cleanupToken: string, sessionId: string): string {
  return createHmac('sha256', apiKey).update(`${cleanupToken}\n${sessionId}`).digest('hex');
}

export function hasValidProof(
  apiKey: string,
  cleanupToken: string,
  sessionId: string,
  proof: string,
): boolean {
  const expected = Buffer.from(sessionProof(apiKey, cleanupToken, sessionId), 'hex');
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(proof) ? proof : '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Whether a session's labels (from GetLabel) say this step created it. */
export function carriesToken(labels: Record<string, string>, cleanupToken: string): boolean {
  return labels[CLEANUP_TOKEN_LABEL] === cleanupToken;
}
