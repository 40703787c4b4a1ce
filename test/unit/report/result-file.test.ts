import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunCodeData } from '../../../src/agentbay/run-code-result.ts';
import type { RunReport } from '../../../src/report/run-report.ts';
import { jsonPieces, writeResultFile } from '../../../src/report/result-file.ts';

function writeJson(value: unknown, write: (piece: string) => void): void {
  for (const piece of jsonPieces(value)) write(piece);
}

function written(value: unknown): string {
  let text = '';
  writeJson(value, (piece) => (text += piece));
  return text;
}

describe('jsonPieces', () => {
  it('writes what JSON.stringify(value, null, 2) writes: indented for people', () => {
    const value = {
      success: false,
      stdout: 'a\nb "quoted" \u2028',
      nothing: null,
      skipped: undefined,
      results: [{ isMain: true, data: { 'text/plain': '42', nested: [1, [], {}, [2]] } }, null],
      empty: {},
      list: [],
    };
    expect(written(value)).toBe(JSON.stringify(value, null, 2));
    expect(written([])).toBe('[]');
    expect(written('x')).toBe('"x"');
  });

  it('writes a huge string in pieces that still parse back to it', () => {
    const big = `${'é'.repeat(1024 * 1024)}😀${'"'.repeat(10)}`;
    const pieces: string[] = [];
    writeJson({ stdout: big }, (piece) => pieces.push(piece));
    expect(pieces.length).toBeGreaterThan(3);
    expect(JSON.parse(pieces.join(''))).toEqual({ stdout: big });
  });
});

describe('jsonPieces: long strings of every shape', () => {
  const PIECE = 32 * 1024;
  // Characters JSON escapes, and surrogates whole and alone, at and around piece boundaries.
  const specials = ['"', '\\', '\n', '\u0000', '\u001f', '😀', '\ud800', '\udfff', '\u2028', 'é'];

  it('parses back to the string for specials at every boundary of a piece', () => {
    for (const special of specials) {
      for (const at of [0, 1, PIECE - 2, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE - 1]) {
        const text = `${'a'.repeat(at)}${special}${'b'.repeat(2 * PIECE)}${special}`;
        const out = written({ s: text });
        expect(JSON.parse(out).s === text, `${JSON.stringify(special)} at ${at}`).toBe(true);
      }
    }
  });

  it('parses back to the string for a dense, seeded mix of plain and special characters', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const density of [0.0001, 0.01, 0.5, 1]) {
      let text = '';
      while (text.length < 3 * PIECE + 17) {
        text += random() < density ? specials[Math.floor(random() * specials.length)] : 'plain ';
      }
      const pieces: string[] = [];
      writeJson(text, (piece) => pieces.push(piece));
      expect(JSON.parse(pieces.join('')) === text, `density ${density}`).toBe(true);
      // Written in bounded pieces: never one copy of the whole string.
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(6 * PIECE);
    }
  });

  it('writes plain text as it is, in pieces of the string itself', () => {
    const text = 'x'.repeat(5 * PIECE + 3);
    const pieces: string[] = [];
    writeJson(text, (piece) => pieces.push(piece));
    expect(pieces.join('')).toBe(JSON.stringify(text));
    expect(pieces.slice(1, -1).every((p) => p.length <= PIECE && /^x+$/.test(p))).toBe(true);
  });
});

describe('writeResultFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'result-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function reportWith(stdout: string, resultFile: string): RunReport {
    const result = parseRunCodeData({
      content: [{ text: JSON.stringify({ stdout: [stdout], stderr: ['warn "x"\n'] }) }],
    });
    return {
      language: 'python',
      source: { kind: 'inline' },
      code: 'print()',
      sessionId: 'session-x',
      requestId: 'R',
      result,
      wallTimeMs: 1,
      sessionKept: false,
      resultFile,
      files: [],
    };
  }

  it('writes megabytes of every kind of character in order, as one valid JSON document', async () => {
    // Many write batches land at their own offsets: any mix-up of order shows here.
    let stdout = '';
    for (let i = 0; stdout.length < 6 * 1024 * 1024; i++) {
      stdout += `line ${i} ${'é😀"\\\t\u0001'.repeat(i % 7)}${'x'.repeat(i % 3000)}\n`;
    }
    // A long run that escapes to six times its length: larger than one write batch.
    stdout = `${stdout.slice(0, 3_000_000)}${'\u0001'.repeat(300_000)}${stdout.slice(3_000_000)}`;
    const file = path.join(dir, 'nested', 'big.json');
    await writeResultFile(reportWith(stdout, file));
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.stdout === stdout).toBe(true);
    expect(written.stderr).toBe('warn "x"\n');
    expect(written.outputPointer).toBe('/stdout');
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('fails, and leaves no stray rejection behind, when the disk refuses the writes', async () => {
    const stdout = 'x'.repeat(4 * 1024 * 1024);
    await expect(writeResultFile(reportWith(stdout, '/dev/full'))).rejects.toThrow(/ENOSPC/);
  });
});
