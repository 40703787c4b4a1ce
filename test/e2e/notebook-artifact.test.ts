// The executed notebook in the workflow artifact: the bundled steps against the local server
// and a loopback stand-in of GitHub's artifact service.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import draft04 from 'ajv/lib/refs/json-schema-draft-04.json' with { type: 'json' };
import { beforeAll, describe, expect, it } from 'vitest';
import {
  runAction,
  runningSessions,
  unzip,
  useFakeGitHub,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();
const github = useFakeGitHub();

const schema = JSON.parse(
  readFileSync(new URL('../fixtures/nbformat/nbformat.v4.5.schema.json', import.meta.url), 'utf8'),
) as object;

const NOTEBOOK = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
  cells: [
    {
      id: 'a',
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: 'n = 6\n',
    },
    {
      id: 'b',
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source: 'n * 7\n',
    },
  ],
});

describe('a notebook run with artifact', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    github.reset();
    const workdir = workspaceWith({ 'nb/answer.ipynb': NOTEBOOK });
    run = await runAction({
      workdir,
      inputs: {
        ...server.inputs(),
        file: 'nb/answer.ipynb',
        artifact: 'notebooks',
      },
      env: github.artifactEnv(),
    });
  });

  it('puts the executed notebook, valid nbformat 4, into the artifact', () => {
    expect(run.main.code).toBe(0);
    const [artifact] = github.artifacts();
    expect(artifact).toMatchObject({ name: 'notebooks', finalized: true });
    const entries = unzip(artifact!.content);
    const name = Object.keys(entries).find((n) => n.endsWith('/nb__answer.ipynb'));
    expect(name).toBeDefined();
    const document = JSON.parse(entries[name!]!.toString('utf8')) as {
      cells: Array<{ outputs: Array<{ output_type: string; data?: Record<string, unknown> }> }>;
    };
    const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
    ajv.addMetaSchema(draft04);
    const validate = ajv.compile(schema);
    expect(validate(document)).toBe(true);
    expect(document.cells[1]!.outputs[0]).toMatchObject({
      output_type: 'execute_result',
      data: { 'text/plain': '42' },
    });
    // The same file the `files` output names.
    const files = JSON.parse(run.main.outputs.files!) as Array<{ path: string; mimeType: string }>;
    const listed = files.find((f) => f.mimeType === 'application/x-ipynb+json')!;
    expect(readFileSync(listed.path)).toEqual(entries[name!]);
  });

  it('deletes the session', () => {
    expect(runningSessions(server)).toEqual([]);
  });
});
