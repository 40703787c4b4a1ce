// The filesystem tools of the addendum's table, as the SDKs call and parse them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { callTool, createSession } from './helpers.ts';

describe('filesystem tools', () => {
  let server: AgentBayServer;
  let session: string;
  const tool = (name: string, args: Record<string, unknown>) =>
    callTool(server.url, session, name, args);
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  it('writes text with overwrite, append and create_new, creating parent directories', async () => {
    const path = '/workspace/proj/deep/ü n.txt';
    expect((await tool('write_file', { path, content: 'héllo', mode: 'overwrite' })).isError).toBe(
      false,
    );
    await tool('write_file', { path, content: ' wörld\n', mode: 'append' });
    expect((await tool('read_file', { path })).text).toBe('héllo wörld\n');
    const again = await tool('write_file', { path, content: 'x', mode: 'create_new' });
    expect(again.isError).toBe(true);
    const bad = await tool('write_file', { path, content: 'x', mode: 'truncate' });
    expect(bad.text).toMatch(/mode must be one of overwrite, append, create_new/);
  });

  it('reads byte windows, binary as base64, and length 0 as the whole file', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
    // Binary content arrives through a base64 text file decoded by the shell (the documented way).
    await tool('write_file', { path: '/workspace/b.b64', content: bytes.toString('base64') });
    await callTool(server.url, session, 'shell', {
      command: 'base64 -d /workspace/b.b64 > /workspace/b.bin',
      timeout_ms: 5000,
    });
    const info = await tool('get_file_info', { path: '/workspace/b.bin' });
    expect(info.text).toMatch(/^size: 8$/m);
    expect(info.text).toMatch(/^isDirectory: false$/m);
    expect(info.text).toMatch(/^modTime: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/m);
    const head = await tool('read_file', {
      path: '/workspace/b.bin',
      offset: 0,
      length: 3,
      format: 'binary',
    });
    const tail = await tool('read_file', {
      path: '/workspace/b.bin',
      offset: 3,
      length: 100,
      format: 'binary',
    });
    expect(
      Buffer.concat([Buffer.from(head.text, 'base64'), Buffer.from(tail.text, 'base64')]),
    ).toEqual(bytes);
    const whole = await tool('read_file', {
      path: '/workspace/b.bin',
      offset: 0,
      length: 0,
      format: 'binary',
    });
    expect(Buffer.from(whole.text, 'base64')).toEqual(bytes);
  });

  it('answers a missing file with the real -32602 text', async () => {
    const missing = await tool('get_file_info', { path: '/tmp/nonexistent_file.txt' });
    expect(missing).toEqual({
      isError: true,
      text: 'Error in response: Execution failed. Error code:-32602 Error message: Failed to get file status: /tmp/nonexistent_file.txt, error: No such file or directory',
    });
    const dir = await tool('read_file', { path: '/workspace/proj' });
    expect(dir.text).toMatch(/Path does not exist or is a directory/);
  });

  it('creates, lists, reads several, moves, searches, edits and deletes', async () => {
    await tool('create_directory', { path: '/workspace/t/a/b' });
    await tool('write_file', { path: '/workspace/t/hello.txt', content: 'hello hello' });
    await tool('write_file', { path: '/workspace/t/other.txt', content: 'other\n' });
    await tool('write_file', { path: '/workspace/t/hello.bak', content: 'old' });
    expect((await tool('list_directory', { path: '/workspace/t' })).text.split('\n')).toEqual([
      '[DIR] a',
      '[FILE] hello.bak',
      '[FILE] hello.txt',
      '[FILE] other.txt',
    ]);
    const many = await tool('read_multiple_files', {
      paths: ['/workspace/t/hello.txt', '/workspace/t/other.txt'],
    });
    expect(many.text).toBe(
      '/workspace/t/hello.txt: hello hello\n---\n/workspace/t/other.txt: other\n\n',
    );
    const found = await tool('search_files', {
      path: '/workspace/t',
      pattern: 'hello*',
      excludePatterns: ['*.bak'],
    });
    expect(found.text).toBe('/workspace/t/hello.txt');
    // Python's comma string and Go's snake-case key are understood too.
    expect(
      (
        await tool('search_files', {
          path: '/workspace/t',
          pattern: 'hello*',
          excludePatterns: '*.bak,x',
        })
      ).text,
    ).toBe('/workspace/t/hello.txt');
    expect(
      (
        await tool('search_files', {
          path: '/workspace/t',
          pattern: 'hello*',
          exclude_patterns: ['*.txt'],
        })
      ).text,
    ).toBe('/workspace/t/hello.bak');
    await tool('move_file', {
      source: '/workspace/t/hello.txt',
      destination: '/workspace/t/a/h2.txt',
    });
    await tool('edit_file', {
      path: '/workspace/t/a/h2.txt',
      edits: [{ oldText: 'hello', newText: 'bye' }],
      dryRun: false,
    });
    expect((await tool('read_file', { path: '/workspace/t/a/h2.txt' })).text).toBe('bye hello');
    await tool('delete_file', { path: '/workspace/t/a/h2.txt' });
    expect((await tool('get_file_info', { path: '/workspace/t/a/h2.txt' })).isError).toBe(true);
  });

  it('shares one filesystem with run_code (relative paths from /workspace)', async () => {
    await tool('write_file', { path: '/workspace/shared.txt', content: 'from write_file' });
    const { runCode } = await import('./helpers.ts');
    const run = await runCode(server.url, session, "print(open('shared.txt').read())");
    expect(run.stdout.join('')).toBe('from write_file\n');
  });
});
