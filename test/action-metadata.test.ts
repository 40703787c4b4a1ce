// action.yml, the README's Inputs block and Outputs list and the code must tell the same story: every input that is
// documented is read and every input that is read is documented, the defaults agree, and
// every output is documented and really set. Generic on purpose: it holds for inputs and
// outputs added later without edits here.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/step-runner.ts';
import { readRunnerContext } from '../src/github/runner-context.ts';
import { runStep, TEST_KEY, useServer } from './e2e/harness.ts';
import { readInputs, type ActionInputs } from '../src/inputs/inputs.ts';
import {
  defaultText,
  filesUnder,
  listedOutputs,
  loadAction,
  readme,
  usageInputs,
} from './metadata.ts';

const action = loadAction();
const inputNames = Object.keys(action.inputs);
const outputNames = Object.keys(action.outputs);
const envName = (input: string) => `INPUT_${input.replace(/ /g, '_').toUpperCase()}`;
const isExpression = (value: string | undefined) => value !== undefined && value.includes('${{');

const sources = filesUnder(path.join(ROOT, 'src'), ['.ts']).map((file) => ({
  file: path.relative(ROOT, file),
  text: readFileSync(file, 'utf8'),
}));

/** What the runner gives the action: every input with a default set to it. */
function runnerValues(overrides: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs)) {
    const value = defaultText(input);
    if (value !== undefined && !isExpression(value)) values[name] = value;
  }
  // The least a run needs.
  return { ...values, 'api-key': TEST_KEY, language: 'python', code: '6 * 7\n', ...overrides };
}

/**
 * readInputs with the given input values (missing ones are ''), recording every input it
 * asks the reader for and every INPUT_* variable it reads from the environment directly.
 */
function readRecorded(values: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const read = new Set<string>();
  const envVars = new Set<string>();
  const env: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: ROOT, ...extraEnv };
  for (const [name, value] of Object.entries(values)) env[envName(name)] = value;
  const recordingEnv = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') envVars.add(key);
      return target[key as string];
    },
  });
  const result: ActionInputs = readInputs(
    (name, options) => {
      read.add(name);
      const value = values[name] ?? '';
      return options?.trimWhitespace === false ? value : value.trim();
    },
    readRunnerContext(recordingEnv),
    recordingEnv,
  );
  return { result, read, envVars };
}

/** Input names the code reads: readInputs, run for real, plus literal reads anywhere in src/. */
function inputsReadByCode(): Set<string> {
  const names = new Set<string>();
  const { read, envVars } = readRecorded(runnerValues());
  for (const name of read) names.add(name);
  const byEnvName = new Map(inputNames.map((name) => [envName(name), name]));
  const fromEnv = (variable: string) => byEnvName.get(variable) ?? variable.slice(6).toLowerCase();
  for (const variable of envVars) if (variable.startsWith('INPUT_')) names.add(fromEnv(variable));
  for (const { text } of sources) {
    for (const m of text.matchAll(/\bget(?:Boolean|Multiline)?Input\(\s*['"]([^'"]+)['"]/g))
      names.add(m[1]!);
    for (const m of text.matchAll(/\bread\(\s*['"]([^'"]+)['"]\s*\)/g)) names.add(m[1]!);
    for (const m of text.matchAll(/\bINPUT_([A-Z0-9_-]+)/g)) names.add(fromEnv(`INPUT_${m[1]}`));
  }
  return names;
}

const readmeInputs = usageInputs(readme());
const readmeOutputs = listedOutputs(readme());

describe('action.yml', () => {
  it('has a name, a description and branding', () => {
    expect(action.name).toBeTruthy();
    expect(action.description).toBeTruthy();
    expect(action.description!.length).toBeLessThan(125); // the Marketplace refuses longer ones
    expect(action.branding?.icon).toBeTruthy();
    expect(action.branding?.color).toMatch(
      /^(white|black|yellow|blue|green|orange|red|purple|gray-dark)$/,
    );
  });

  it('runs the committed bundles on node24, with the post step always', () => {
    expect(action.runs.using).toBe('node24');
    for (const entry of [action.runs.main, action.runs.post]) {
      expect(entry).toBeTruthy();
      expect(existsSync(path.join(ROOT, entry!))).toBe(true);
    }
    expect(action.runs['post-if']).toBe('always()');
  });

  it('describes every input and output', () => {
    const undescribed = [
      ...Object.entries(action.inputs).filter(([, input]) => !input.description?.trim()),
      ...Object.entries(action.outputs).filter(([, output]) => !output.description?.trim()),
    ].map(([name]) => name);
    expect(undescribed).toEqual([]);
  });

  it('gives defaults as strings, the way the runner passes them', () => {
    const nonStrings = Object.entries(action.inputs)
      .filter(([, input]) => input.default !== undefined && typeof input.default !== 'string')
      .map(([name]) => name);
    expect(nonStrings).toEqual([]);
  });
});

describe('inputs: action.yml, README and code agree', () => {
  const read = inputsReadByCode();

  it('the code reads no input that action.yml does not declare', () => {
    expect([...read].filter((name) => !(name in action.inputs)).sort()).toEqual([]);
  });

  it('the code reads every input that action.yml declares', () => {
    expect(inputNames.filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it("the README's Inputs block lists exactly the inputs of action.yml, in the same order", () => {
    expect(readmeInputs.map((input) => input.name)).toEqual(inputNames);
  });

  it("the README's `# Default:` lines match action.yml", () => {
    const mismatches: string[] = [];
    for (const { name, shown: documented } of readmeInputs) {
      const declared = defaultText(action.inputs[name] ?? {});
      // `$NAME`: no default in action.yml, the code falls back to that environment variable.
      if (documented?.startsWith('$') && !documented.startsWith('${{')) {
        if (declared !== undefined)
          mismatches.push(`${name}: README ${documented}, action.yml ${declared}`);
        continue;
      }
      if (documented !== declared)
        mismatches.push(
          `${name}: README ${documented ?? '(none)'}, action.yml ${declared ?? '(none)'}`,
        );
    }
    expect(mismatches).toEqual([]);
  });

  it("the code's fallback for an empty input is action.yml's default", () => {
    const { read: readByReadInputs } = readRecorded(runnerValues());
    const compared: string[] = [];
    const mismatches: string[] = [];
    for (const [name, input] of Object.entries(action.inputs)) {
      const value = defaultText(input);
      if (value === undefined || isExpression(value) || !readByReadInputs.has(name)) continue;
      compared.push(name);
      const given = readRecorded(runnerValues({ [name]: value })).result;
      const empty = readRecorded(runnerValues({ [name]: '' })).result;
      if (JSON.stringify(given) !== JSON.stringify(empty)) mismatches.push(name);
    }
    expect(mismatches).toEqual([]);
    // Not vacuous: the inputs with literal defaults that readInputs reads were all compared.
    expect(compared.length).toBeGreaterThanOrEqual(5);
    expect(compared).toEqual(
      inputNames.filter((name) => {
        const value = defaultText(action.inputs[name]!);
        return value !== undefined && !isExpression(value) && readByReadInputs.has(name);
      }),
    );
  });

  it('an environment-variable default in the README is what the code falls back to', () => {
    const envDefaults = readmeInputs
      .map(({ name, shown }) => [name, shown ?? ''] as const)
      .filter(([, value]) => /^\$[A-Z_][A-Z0-9_]*$/.test(value));
    expect(envDefaults.map(([name]) => name)).toContain('api-key');
    for (const [name, variable] of envDefaults) {
      const values = runnerValues();
      const viaInput = readRecorded(values).result;
      const viaEnv = readRecorded(
        { ...values, [name]: '' },
        { [variable.slice(1)]: values[name]! },
      );
      expect(viaEnv.result, `${name} falls back to ${variable}`).toEqual(viaInput);
    }
  });
});

describe('outputs: action.yml, README and code agree', () => {
  const server = useServer();
  const written = new Set<string>();

  beforeAll(async () => {
    const base = server.inputs({ language: 'python' });
    const runs = [
      { ...base, code: 'print("hello")\n6 * 7\n' },
      { ...base, code: '1 / 0\n', 'fail-on-error': 'false' },
      { ...base, code: '1 / 0\n' },
    ];
    for (const inputs of runs) {
      const main = await runStep('main', { inputs });
      for (const name of Object.keys(main.outputs)) written.add(name);
      // The post step deletes the session; nothing here should outlive the test.
      await runStep('post', { inputs, state: main.state });
    }
  }, 120_000);

  it("the README's Outputs list names exactly the outputs of action.yml, in the same order", () => {
    expect(readmeOutputs).toEqual(outputNames);
  });

  it('the bundled action writes no output that action.yml does not declare', () => {
    expect(written.size).toBeGreaterThan(0);
    expect([...written].filter((name) => !(name in action.outputs)).sort()).toEqual([]);
  });

  it('every output in action.yml is set by the code', () => {
    // Written by a real run of dist/, or (outputs set only with some inputs) named literally
    // in a source file that sets outputs.
    const setting = sources.filter(({ text }) => /\bsetOutputs?\(/.test(text));
    const namedIn = (name: string) =>
      setting.some(({ text }) =>
        new RegExp(`['"]${name.replace(/[-]/g, '\\-')}['"]|^\\s*${name}:`, 'm').test(text),
      );
    expect(outputNames.filter((name) => !written.has(name) && !namedIn(name))).toEqual([]);
    // The plain runs above already set most of them.
    expect(outputNames.filter((name) => written.has(name)).length).toBeGreaterThanOrEqual(10);
  });
});
