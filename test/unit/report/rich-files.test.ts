import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RICH_FILES, writeRichFiles } from '../../../src/report/rich-files.ts';

describe('rich files', () => {
  it('writes at most MAX_RICH_FILES, quickly, under names of our own', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abrc-rich-'));
    const bundle = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`x/../../evil${i}`, 'a']),
    );
    const started = Date.now();
    const files = writeRichFiles([{ isMain: false, data: bundle }], dir);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(files).toHaveLength(MAX_RICH_FILES);
    expect(readdirSync(dir)).toHaveLength(MAX_RICH_FILES);
    expect(readdirSync(dir).every((name) => /^result-1(-\d+)?\.txt$/.test(name))).toBe(true);
  });
});
