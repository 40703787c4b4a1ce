import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringifyJson } from '../../server/json-text.ts';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { callRunCode, createSession } from './helpers.ts';

const OK_CODE = "print('out')\n6 * 7";
const FAIL_CODE = "print('partial')\nraise ValueError('bad value')";

describe('result format knobs', () => {
  let server: AgentBayServer;
  let session: string;
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  const run = async (code: string) => {
    const reply = await callRunCode(server.url, session, { code, language: 'python' });
    expect(reply.status).toBe(200);
    return reply.body.Data;
  };

  it('defaults: Data object, JSON payload, string items, camelCase, type present', async () => {
    const data = await run(OK_CODE);
    expect(data.isError).toBe(false);
    expect(data.content).toHaveLength(1);
    expect(data.content[0].type).toBe('text');
    const payload = JSON.parse(data.content[0].text);
    expect(Object.keys(payload).sort()).toEqual(
      [
        'executionCount',
        'executionError',
        'executionTime',
        'result',
        'stderr',
        'stdout',
        'traceId',
      ].sort(),
    );
    expect(payload.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(payload.result).toEqual([JSON.stringify({ isMainResult: true, 'text/plain': '42' })]);
    expect(payload.stdout.join('')).toBe('out\n');
  });

  it('dataAsString sends Data as a JSON string', async () => {
    server.setResultFormat({ dataAsString: true });
    const data = await run(OK_CODE);
    expect(typeof data).toBe('string');
    const parsed = JSON.parse(data);
    expect(parsed.isError).toBe(false);
    expect(JSON.parse(parsed.content[0].text).stdout.join('')).toBe('out\n');
  });

  it('encoding double wraps the payload JSON in another JSON string', async () => {
    server.setResultFormat({ encoding: 'double' });
    const text = (await run(OK_CODE)).content[0].text;
    const once = JSON.parse(text);
    expect(typeof once).toBe('string');
    expect(JSON.parse(once).stdout.join('')).toBe('out\n');
  });

  it('encoding legacy-text sends plain stdout+stderr', async () => {
    server.setResultFormat({ encoding: 'legacy-text' });
    expect(
      (await run("import sys\nprint('a')\n_ = sys.stderr.write('b\\n')")).content[0].text,
    ).toBe('a\nb\n');
    const failed = await run(FAIL_CODE);
    expect(failed.isError).toBe(false);
    // stdout, then the traceback IPython wrote on stderr.
    expect(failed.content[0].text).toMatch(/^partial\n-+\nValueError +Traceback/);
  });

  it('itemsAs objects sends result items as objects', async () => {
    server.setResultFormat({ itemsAs: 'objects' });
    const payload = JSON.parse((await run(OK_CODE)).content[0].text);
    expect(payload.result).toEqual([{ isMainResult: true, 'text/plain': '42' }]);
  });

  it('keyStyle snake renames the flag and counters', async () => {
    server.setResultFormat({ keyStyle: 'snake', itemsAs: 'objects' });
    const payload = JSON.parse((await run(OK_CODE)).content[0].text);
    expect(payload.result).toEqual([{ is_main_result: true, 'text/plain': '42' }]);
    expect(payload.execution_count).toBe(1);
    expect(typeof payload.execution_time).toBe('number');
    expect(payload.executionTime).toBeUndefined();
    expect(payload.executionCount).toBeUndefined();
  });

  it('errorStyle executionError (default) vs isError', async () => {
    const plain = await run(FAIL_CODE);
    expect(plain.isError).toBe(false);
    expect(JSON.parse(plain.content[0].text).executionError).toBe('ValueError: bad value');

    server.setResultFormat({ errorStyle: 'isError' });
    const flagged = await run(FAIL_CODE);
    expect(flagged.isError).toBe(true);
    const payload = JSON.parse(flagged.content[0].text);
    expect(payload.executionError).toBe('');
    expect(payload.stderr.join('')).toContain('ValueError: bad value');
    expect(payload.stdout.join('')).toBe('partial\n');
    // Successful runs are unaffected.
    expect((await run(OK_CODE)).isError).toBe(false);
  });

  it('errorStyle isError keeps a timeout message in stderr', async () => {
    server.setResultFormat({ errorStyle: 'isError' });
    const reply = await callRunCode(server.url, session, {
      code: 'while (true) {}',
      language: 'javascript',
      timeout_s: 0.3,
    });
    const payload = JSON.parse(reply.body.Data.content[0].text);
    expect(reply.body.Data.isError).toBe(true);
    expect(payload.stderr.join('')).toContain(
      'TimeoutError: Execution timed out after 0.3 seconds',
    );
  });

  it('includeType false omits content[].type, also for tool errors', async () => {
    server.setResultFormat({ includeType: false });
    const data = await run(OK_CODE);
    expect(data.content[0]).not.toHaveProperty('type');
    const tool = await callRunCode(server.url, session, { code: '1', language: 'cobol' });
    expect(tool.body.Data).toEqual({
      content: [{ text: 'Unsupported language: cobol' }],
      isError: true,
    });
  });

  it('setResultFormat starts from the defaults each time, reset() restores them', async () => {
    server.setResultFormat({ dataAsString: true });
    server.setResultFormat({ includeType: false });
    const data = await run(OK_CODE);
    expect(typeof data).toBe('object');
    expect(data.content[0].type).toBeUndefined();
    server.reset();
    expect((await run(OK_CODE)).content[0].type).toBe('text');
  });

  it('rejects unknown keys and values', () => {
    expect(() => server.setResultFormat({ encoding: 'xml' as 'json' })).toThrow(/encoding/);
    expect(() => server.setResultFormat({ nope: true } as object)).toThrow(/nope/);
  });
});

describe('stringifyJson', () => {
  it('writes what JSON.stringify writes, at any depth', () => {
    const sample = { a: [1, 'two', null, { b: true, u: undefined }], 'k"ey': 'v\n', n: -0.5 };
    expect(stringifyJson(sample)).toBe(JSON.stringify(sample));
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = { k: [deep] };
    const text = stringifyJson(deep);
    expect(text.startsWith('{"k":[{"k":[')).toBe(true);
    expect(text.length).toBe(100_000 * '{"k":[]}'.length + '"leaf"'.length);
    expect(JSON.parse(text)).toBeTruthy();
  });
});
