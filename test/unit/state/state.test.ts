// The main step writes the state through the runner's file command and the post step reads it
// back from STATE_* variables, as the runner passes it: the round trip, for real.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFileCommands } from '../../../scripts/step-runner.ts';
import { readState, saveState } from '../../../src/state/state.ts';

/** Runs `save` as the main step would, then gives the post step what the runner would. */
function roundTrip(save: () => void): ReturnType<typeof readState> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'state-')), 'state');
  writeFileSync(file, '');
  vi.stubEnv('GITHUB_STATE', file);
  save();
  vi.unstubAllEnvs();
  return readSaved(parseFileCommands(readFileSync(file, 'utf8')));
}

function readSaved(saved: Record<string, string>): ReturnType<typeof readState> {
  for (const [name, value] of Object.entries(saved)) vi.stubEnv(`STATE_${name}`, value);
  return readState();
}

afterEach(() => vi.unstubAllEnvs());

describe('the step state', () => {
  it('carries the session list, a later list replacing an earlier one', () => {
    const a = { id: 'session-a', proof: 'a'.repeat(64) };
    const b = { id: 'session-b', proof: 'b'.repeat(64) };
    const state = roundTrip(() => {
      saveState.cleanupToken('0123456789abcdef01234567');
      saveState.createSent();
      saveState.sessions([a]);
      saveState.createSent();
      saveState.sessions([a, b]);
      saveState.createSettled();
    });
    expect(state).toEqual({
      cleanupToken: '0123456789abcdef01234567',
      sessions: [a, b],
      keepSession: false,
      deletedByMain: false,
      create: '',
    });
  });

  it('a single run is a list of one, and an unanswered create stays marked', () => {
    const only = { id: 'session-only', proof: 'c'.repeat(64) };
    const state = roundTrip(() => {
      saveState.cleanupToken('0123456789abcdef01234567');
      saveState.keepSession();
      saveState.createSent();
      saveState.createUncertain();
      saveState.sessions([only]);
      saveState.deletedByMain();
    });
    expect(state).toMatchObject({
      sessions: [only],
      keepSession: true,
      deletedByMain: true,
      create: 'unknown',
    });
  });

  it('reads a list it did not write defensively: entries of the wrong shape are dropped', () => {
    const state = readSaved({
      sessions: JSON.stringify([
        { id: 'session-ok', proof: '', extra: 'x' },
        { id: 42, proof: '' },
        'session-bare',
        null,
      ]),
      create: 'failed',
    });
    expect(state.sessions).toEqual([{ id: 'session-ok', proof: '' }]);
    expect(state.create).toBe('');
    expect(readSaved({ sessions: '{"id":"x"}' }).sessions).toEqual([]);
    expect(readSaved({ sessions: 'not json' }).sessions).toEqual([]);
  });
});
