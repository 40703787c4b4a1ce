// Every run_code result variant of the protocol page (sections 6-7), end to end: the
// local server encodes real results each way, and the bundled action must report the same.
import { describe, expect, it } from 'vitest';
import type { ResultFormat } from '../../server/server.ts';
import { runStep, useServer } from './harness.ts';

const server = useServer();

const SUCCESS_CODE = 'import sys\nprint("out line")\nprint("err line", file=sys.stderr)\n21 * 2\n';
const FAILING_CODE = 'print("partial")\nraise ValueError("bad value")\n';

const variants: Array<[string, Partial<ResultFormat>]> = [
  ['structured payload, Data as object', {}],
  ['Data as a JSON string', { dataAsString: true }],
  ['double-encoded payload', { encoding: 'double' }],
  ['result items as objects', { itemsAs: 'objects' }],
  ['snake_case keys', { keyStyle: 'snake' }],
  ['no content type', { includeType: false }],
  [
    'everything at once',
    {
      dataAsString: true,
      encoding: 'double',
      itemsAs: 'objects',
      keyStyle: 'snake',
      includeType: false,
    },
  ],
];

async function run(format: Partial<ResultFormat>, code: string) {
  server.setResultFormat(format);
  const main = await runStep('main', {
    inputs: {
      ...server.inputs(),
      language: 'python',
      code,
      'fail-on-error': 'false',
    },
  });
  return main;
}

describe.each(variants)('%s', (_name, format) => {
  it('reports a success the same way', async () => {
    const main = await run(format, SUCCESS_CODE);
    expect(main.code).toBe(0);
    expect(main.outputs).toMatchObject({
      success: 'true',
      output: '42',
      stdout: 'out line\n',
      stderr: 'err line\n',
      error: '',
    });
    expect(Number(main.outputs['execution-time'])).toBeGreaterThan(0);
  });

  it('reports a failure the same way', async () => {
    const main = await run(format, FAILING_CODE);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toBe('ValueError: bad value');
    expect(main.outputs.stdout).toBe('partial\n');
  });
});

describe('isError with the traceback only in stderr', () => {
  it('counts as failed and takes the message from the traceback', async () => {
    const main = await run({ errorStyle: 'isError' }, FAILING_CODE);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toBe('ValueError: bad value');
    expect(main.outputs.stderr).toContain('Traceback (most recent call last)');
    expect(main.outputs.stderr).toMatch(/Cell In ?\[\d+\], line 2\n/);
  });

  it('a success is still a success', async () => {
    const main = await run({ errorStyle: 'isError' }, SUCCESS_CODE);
    expect(main.outputs.success).toBe('true');
  });
});

describe('legacy plain-text payload', () => {
  it('takes the whole text as the output', async () => {
    const main = await run({ encoding: 'legacy-text' }, 'print("just text")\n');
    expect(main.outputs).toMatchObject({
      success: 'true',
      output: 'just text\n',
      stdout: 'just text\n',
    });
  });
});
