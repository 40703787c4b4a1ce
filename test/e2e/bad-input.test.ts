// Bad input gets a clear error naming the input, and costs nothing: no session is created.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWorkdir, runAction, useServer, type Workdir } from './harness.ts';

const server = useServer();

type Case = [
  name: string,
  inputs: Record<string, string>,
  message: RegExp,
  prepare?: (w: Workdir) => void,
];

const cases: Case[] = [
  ['no code and no file', { language: 'python' }, /Input 'code' or 'file' is required/],
  ['blank code', { language: 'python', code: '   \n ' }, /Input 'code' or 'file' is required/],
  [
    'both code and file',
    { language: 'python', code: '1', file: 'a.py' },
    /Input 'code' and 'file' cannot both be set/,
  ],
  [
    'a file that does not exist',
    { file: 'missing.py' },
    /Input 'file' names 'missing.py', which does not exist/,
  ],
  [
    'a directory',
    { file: 'dir' },
    /Input 'file' must name a regular file; 'dir' is not one/,
    (w) => mkdirSync(path.join(w.workspace, 'dir')),
  ],
  [
    'a path with ..',
    { file: '../outside.py' },
    /Input 'file' must be a path inside the workspace/,
    (w) => writeFileSync(path.join(w.dir, 'outside.py'), '1'),
  ],
  [
    'an absolute path elsewhere',
    { file: '/etc/hostname' },
    /Input 'file' must be a path inside the workspace/,
  ],
  [
    'a symlink pointing out',
    { file: 'link.py' },
    /Input 'file' must be a path inside the workspace; 'link.py' resolves outside it/,
    (w) => {
      writeFileSync(path.join(w.dir, 'secret.py'), 'print(1)');
      symlinkSync(path.join(w.dir, 'secret.py'), path.join(w.workspace, 'link.py'));
    },
  ],
  [
    'a binary file',
    { file: 'blob.py' },
    /Input 'file' must be UTF-8 text; 'blob.py' is not/,
    (w) => writeFileSync(path.join(w.workspace, 'blob.py'), Buffer.from([0xff, 0xfe, 0x00, 0x81])),
  ],
  [
    'a file with NUL bytes',
    { file: 'nul.py' },
    /Input 'file' must be text; 'nul.py' contains NUL bytes/,
    (w) => writeFileSync(path.join(w.workspace, 'nul.py'), 'print(1)\0'),
  ],
  [
    'a file over the size limit',
    { file: 'big.py' },
    /Input 'file' must be at most 524288 bytes; 'big.py' has 600000/,
    (w) => writeFileSync(path.join(w.workspace, 'big.py'), '#'.repeat(600_000)),
  ],
  [
    'an unknown extension without language',
    { file: 'x.rb' },
    /Input 'language' is required: it cannot be inferred from 'x.rb'/,
    (w) => writeFileSync(path.join(w.workspace, 'x.rb'), 'puts 1'),
  ],
  [
    'an unknown language',
    { language: 'cobol', code: '1' },
    /Input 'language' must be one of python, py, python3, javascript, js, node, nodejs, r, java \(case-insensitive\); got 'cobol'/,
  ],
  ['no language with inline code', { code: '1' }, /Input 'language' is required with inline code/],
  ...['0', '-1', '3601', '1.5', 'abc'].map((t): Case => [
    `timeout ${t}`,
    { language: 'python', code: '1', timeout: t },
    new RegExp(
      `Input 'timeout' must be a whole number of seconds from 1 to 3600; got '${t.replace('.', '\\.')}'`,
    ),
  ]),
  [
    'malformed JSON labels',
    { language: 'python', code: '1', labels: '{"a": ' },
    /Input 'labels' must be a JSON object of strings .* not valid JSON/,
  ],
  [
    'a JSON label that is not a string',
    { language: 'python', code: '1', labels: '{"a": {"b": 1}}' },
    /Input 'labels' .*the value of 'a' is not a string/,
  ],
  [
    'a label line without =',
    { language: 'python', code: '1', labels: 'team=data\njunk' },
    /Input 'labels' .*line 2 has no '='/,
  ],
  [
    'a reserved label',
    { language: 'python', code: '1', labels: 'gha-run-id=1' },
    /Input 'labels' keys starting with 'gha-' are reserved/,
  ],
  [
    'http to a non-loopback host',
    { language: 'python', code: '1', endpoint: 'http://example.com' },
    /Input 'endpoint' uses http:\/\/ to 'example.com', which is not a loopback host/,
  ],
  [
    'an endpoint with a path',
    { language: 'python', code: '1', endpoint: 'https://example.com/api' },
    /Input 'endpoint' must be a host name/,
  ],
  [
    'an endpoint with credentials',
    { language: 'python', code: '1', endpoint: 'https://user:pw@example.com' },
    /Input 'endpoint' must not carry credentials/,
  ],
  [
    'an endpoint that is not a URL',
    { language: 'python', code: '1', endpoint: 'exa mple' },
    /Input 'endpoint' must be a host name/,
  ],
  [
    'fail-on-error not a boolean',
    { language: 'python', code: '1', 'fail-on-error': 'maybe' },
    /Input 'fail-on-error' must be true or false; got 'maybe'/,
  ],
  // core.getBooleanInput's rules: true/True/TRUE and false/False/FALSE, nothing else.
  ...(
    [
      ['cleanup', 'yes'],
      ['summary', 'on'],
      ['fail-on-error', '1'],
      ['comment', 'tRUE'],
    ] as const
  ).map(([input, value]): Case => [
    `${input}: ${value}`,
    { language: 'python', code: '1', [input]: value },
    new RegExp(`Input '${input}' must be true or false; got '${value}'`),
  ]),
  [
    'syntax-check: no',
    { language: 'python', code: '1', 'syntax-check': 'no' },
    /Input 'syntax-check' must be auto .*, true .* or false .*; got 'no'/,
  ],
  [
    'max-output-size too small, in bytes',
    { language: 'python', code: '1', 'max-output-size': '10' },
    /Input 'max-output-size' must be a whole number of bytes from 1024 to 900000; got '10'/,
  ],
  [
    'idle-timeout too small',
    { language: 'python', code: '1', 'idle-timeout': '5' },
    /Input 'idle-timeout' must be at least 180 seconds: the service releases idle sessions after whole minutes, 3 at the least; got 5/,
  ],
  ['an empty key', { language: 'python', code: '1', 'api-key': '' }, /Input 'api-key' is required/],
];

describe('bad input', () => {
  it.each(cases)('%s', async (_name, inputs, message, prepare) => {
    const workdir = makeWorkdir();
    prepare?.(workdir);
    const before = server.requests().length;
    const { main, post } = await runAction({
      workdir,
      inputs: { ...server.inputs(), ...inputs },
    });
    expect(main.code).toBe(1);
    const errors = main.stdout.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(server.requests().length).toBe(before);
    expect(main.outputs).toEqual({});
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing to clean up');
    expect(server.requests().length).toBe(before);
  });
});
