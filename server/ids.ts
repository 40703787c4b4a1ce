import { randomInt, randomUUID } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += LOWER_ALNUM[randomInt(LOWER_ALNUM.length)];
  return out;
}

/** Same shape as the real service: `session-04bdwfj7u2a668axp`. */
export function newSessionId(): string {
  return `session-${randomAlnum(17)}`;
}

/** POP request ids are upper-case UUIDs. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}
