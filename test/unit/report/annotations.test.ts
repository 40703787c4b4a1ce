import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  annotate,
  ANNOTATIONS_PER_TYPE,
  MAX_ANNOTATION_CHARS,
} from '../../../src/report/annotations.ts';

describe('annotations', () => {
  afterEach(() => vi.restoreAllMocks());

  it(`emits at most ${ANNOTATIONS_PER_TYPE} of a type, then logs the rest`, () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    for (let i = 1; i <= 12; i++) annotate('warning', `w${i}`);
    annotate('notice', 'still room');
    const warnings = lines.filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(ANNOTATIONS_PER_TYPE);
    // Past the limit the message is logged, fenced: it can carry sandbox text.
    expect(lines.join('')).toMatch(
      /warning \(over the runner's 10-per-step limit\):\n::stop-commands::(\w+)\nw12\n::\1::/,
    );
    expect(lines.join('')).toContain('::notice::still room');
  });

  it(`cuts every annotation to ${MAX_ANNOTATION_CHARS} characters, keeping both ends`, () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    annotate('error', `START ${'x'.repeat(3 * 1024 * 1024)} END`);
    const line = lines.find((l) => l.startsWith('::error::'))!;
    expect(line.length).toBeLessThanOrEqual(MAX_ANNOTATION_CHARS + 20);
    expect(line).toContain('START');
    expect(line.trimEnd().endsWith('END')).toBe(true);
  });
});
