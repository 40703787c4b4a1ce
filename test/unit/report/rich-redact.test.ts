// Issue 20, item 3: what a transform makes of a redacted result is redacted too.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import { redactResult } from '../../../src/report/redact.ts';
import { writeRichFiles } from '../../../src/report/rich-files.ts';
import { makeRedactor } from '../../../src/text/secrets.ts';

const SECRET = 'png-secret-Value-1234';

const resultWith = (data: Record<string, unknown>): CodeRunResult => ({
  success: true,
  toolError: false,
  output: '',
  stdout: '',
  stderr: '',
  error: '',
  errorDetail: '',
  results: [{ isMain: true, data }],
  executionTimeS: 1,
  executionCount: 1,
  traceId: '',
  format: 'rich',
});

describe('redacting what is decoded', () => {
  it('keeps a secret out of a PNG whose base64 is wrapped in lines', () => {
    const bytes = Buffer.concat([
      Buffer.from('\x89PNG\r\n\x1a\n'),
      Buffer.from(`some pixels ${SECRET} more pixels`),
    ]);
    // Jupyter wraps base64 at 76 characters; here every 7, so a break falls inside the secret.
    const wrapped = bytes.toString('base64').replace(/.{7}/g, '$&\n');
    const result = redactResult(resultWith({ 'image/png': wrapped }), makeRedactor([SECRET]));
    const dir = mkdtempSync(path.join(tmpdir(), 'rich-'));
    const [file] = writeRichFiles(result.results, dir);
    expect(readFileSync(file!.path).includes(SECRET)).toBe(false);
    expect(readFileSync(file!.path).includes('some pixels')).toBe(true);
  });
});
