// Every workflow a user might copy (examples/, the README's YAML) and every workflow of this
// repository must use the action as action.yml defines it: `with:` keys that are inputs,
// `steps.<id>.outputs.<name>` that are outputs, and untrusted outputs kept out of scripts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../scripts/step-runner.ts';
import { filesUnder, loadAction, readme, section, usesThisAction, yamlBlocks } from './metadata.ts';

const action = loadAction();
/** Outputs whose text the sandboxed code chooses: never to be pasted into a script. */
const UNTRUSTED_OUTPUTS = ['output', 'stdout', 'stderr', 'error'];

type Step = Record<string, any>;
interface Job {
  steps: Step[];
  raw: unknown;
}
interface Doc {
  where: string;
  /** A list of steps, not a whole workflow: references to steps outside it are fine. */
  fragment: boolean;
  jobs: Record<string, Job>;
  raw: any;
}

function toDoc(where: string, raw: any): Doc {
  if (Array.isArray(raw))
    return { where, fragment: true, jobs: { steps: { steps: raw, raw } }, raw };
  const jobs: Record<string, Job> = {};
  for (const [id, job] of Object.entries<any>(raw?.jobs ?? {})) {
    jobs[id] = { steps: Array.isArray(job?.steps) ? job.steps : [], raw: job };
  }
  return { where, fragment: false, jobs, raw };
}

const rel = (file: string) => path.relative(ROOT, file);
const exampleFiles = filesUnder(path.join(ROOT, 'examples'), ['.yml', '.yaml']);
const workflowFiles = filesUnder(path.join(ROOT, '.github', 'workflows'), ['.yml', '.yaml']);
const readmeBlocks = yamlBlocks(readme());

const docs: Doc[] = [
  ...[...exampleFiles, ...workflowFiles].map((file) =>
    toDoc(rel(file), parse(readFileSync(file, 'utf8'))),
  ),
  ...readmeBlocks.map((block, index) =>
    toDoc(`README.md block ${index + 1} (${block.heading})`, parse(block.text)),
  ),
];

/** Every string anywhere inside a value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** `steps.<id>.outputs.<name>` and `steps.<id>.outputs['<name>']` references in a text. */
function outputReferences(text: string): Array<{ id: string; name: string }> {
  const refs: Array<{ id: string; name: string }> = [];
  const pattern = /\bsteps\.([\w-]+)\.outputs(?:\.([\w-]+)|\[\s*['"]([^'"]+)['"]\s*\])/g;
  for (const m of text.matchAll(pattern)) refs.push({ id: m[1]!, name: (m[2] ?? m[3])! });
  return refs;
}

function problems(doc: Doc): string[] {
  const found: string[] = [];
  for (const [jobId, job] of Object.entries(doc.jobs)) {
    const at = (what: string) => `${doc.where}, job ${jobId}: ${what}`;
    const ids = new Set(job.steps.map((step) => step.id).filter(Boolean));
    const ours = new Set(job.steps.filter((s) => usesThisAction(s.uses) && s.id).map((s) => s.id));
    for (const step of job.steps) {
      if (!usesThisAction(step.uses)) continue;
      for (const key of Object.keys(step.with ?? {})) {
        if (!(key in action.inputs)) found.push(at(`'with: ${key}' is not an input of action.yml`));
      }
    }
    for (const text of strings(job.raw)) {
      for (const { id, name } of outputReferences(text)) {
        if (ours.has(id) && !(name in action.outputs))
          found.push(at(`steps.${id}.outputs.${name} is not an output of action.yml`));
        if (!ids.has(id) && !doc.fragment) found.push(at(`steps.${id} names no step of the job`));
      }
    }
    for (const step of job.steps) {
      if (typeof step.run !== 'string') continue;
      for (const expression of step.run.match(/\$\{\{[^}]*\}\}/g) ?? []) {
        for (const { id, name } of outputReferences(expression)) {
          if (ours.has(id) && UNTRUSTED_OUTPUTS.includes(name))
            found.push(at(`a run: script pastes ${expression}; pass it through env: instead`));
        }
      }
    }
  }
  // GitHub refuses secrets in `if:`; compare an env variable or a gate job's output instead.
  const conditions: string[] = [];
  const collectIfs = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collectIfs);
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'if' && typeof item === 'string') conditions.push(item);
        collectIfs(item);
      }
    }
  };
  collectIfs(doc.raw);
  for (const condition of conditions) {
    if (/\bsecrets\./.test(condition))
      found.push(`${doc.where}: 'if: ${condition}' reads a secret`);
  }
  return found;
}

describe('workflows that use the action', () => {
  it('there are examples, workflows and README snippets to check', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(4);
    expect(workflowFiles.map(rel)).toContain(path.join('.github', 'workflows', 'ci.yml'));
    expect(readmeBlocks.length).toBeGreaterThanOrEqual(4);
  });

  it('every example uses the action', () => {
    const unused = docs
      .filter((doc) => doc.where.startsWith('examples'))
      .filter(
        (doc) =>
          !Object.values(doc.jobs).some((job) => job.steps.some((s) => usesThisAction(s.uses))),
      )
      .map((doc) => doc.where);
    expect(unused).toEqual([]);
  });

  it.each(docs.map((doc) => [doc.where, doc] as const))(
    '%s: inputs, outputs and conditions are valid',
    (_where, doc) => {
      expect(problems(doc)).toEqual([]);
    },
  );

  it('the checks catch a wrong input, a wrong output, a pasted output and a secret in if:', () => {
    const broken = toDoc('broken', [
      { uses: 'org/agentbay-run-code@v1', id: 'run', with: { 'api-key': 'k', langauge: 'python' } },
      { env: { X: '${{ steps.run.outputs.result }}' }, run: 'echo "$X"' },
      { run: 'echo "${{ steps.run.outputs.stdout }}"' },
      { if: "secrets.KEY != ''", run: 'true' },
      { uses: './', with: { code: '1' } },
    ]);
    const found = problems(broken).join('\n');
    expect(found).toContain("'with: langauge' is not an input");
    expect(found).toContain('steps.run.outputs.result is not an output');
    expect(found).toContain('pastes ${{ steps.run.outputs.stdout }}');
    expect(found).toContain('reads a secret');
    expect(
      problems(
        toDoc('typo', { jobs: { j: { steps: [{ run: 'echo ${{ steps.nope.outputs.x }}' }] } } }),
      ),
    ).toEqual(['typo, job j: steps.nope names no step of the job']);
  });
});

describe('README examples and examples/ agree', () => {
  const examples = new Map(
    exampleFiles.map((file) => [rel(file), parse(readFileSync(file, 'utf8'))]),
  );
  const examplesSection = section(readme(), 'Examples');

  it('every example is linked from the README, and every linked example exists', () => {
    const linked = new Set(
      [...examplesSection.matchAll(/\]\((examples\/[^)#\s]+\.ya?ml)\)/g)].map((m) => m[1]!),
    );
    expect([...examples.keys()].filter((file) => !linked.has(file))).toEqual([]);
    expect([...linked].filter((file) => !existsSync(path.join(ROOT, file)))).toEqual([]);
  });

  it('each workflow in the Examples section is an example file, each step list part of one', () => {
    const unmatched: string[] = [];
    const all = [...examples.values()];
    for (const block of yamlBlocks(examplesSection)) {
      const parsed = parse(block.text);
      if (Array.isArray(parsed)) {
        const inOne = all.some((example) => {
          const steps = Object.values<any>(example.jobs ?? {}).flatMap((job) => job.steps ?? []);
          return parsed.every((step) =>
            steps.some((s) => JSON.stringify(s) === JSON.stringify(step)),
          );
        });
        if (!inOne) unmatched.push(block.heading);
      } else if (!all.some((example) => JSON.stringify(example) === JSON.stringify(parsed))) {
        unmatched.push(block.heading);
      }
    }
    expect(unmatched).toEqual([]);
  });
});

describe('versions of other actions', () => {
  /** `actions/checkout@v7` → ['actions/checkout', 'v7'] for every such `uses:` in a text. */
  function pins(text: string): Array<[string, string]> {
    return [...text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@(v\d+)\b/g)]
      .filter((m) => !usesThisAction(`${m[1]}@${m[2]}`))
      .map((m) => [m[1]!, m[2]!]);
  }

  it('examples and README snippets pin the majors this repository itself uses', () => {
    const ours = new Map(
      workflowFiles.flatMap((file) => pins(readFileSync(file, 'utf8'))).map(([a, v]) => [a, v]),
    );
    const texts = [
      ...exampleFiles.map((file) => [rel(file), readFileSync(file, 'utf8')] as const),
      ['README.md', readme()] as const,
    ];
    const stale = texts.flatMap(([where, text]) =>
      pins(text)
        .filter(([name, version]) => ours.has(name) && ours.get(name) !== version)
        .map(
          ([name, version]) => `${where}: ${name}@${version}, the workflows use ${ours.get(name)}`,
        ),
    );
    expect(ours.get('actions/checkout')).toBeDefined();
    expect(stale).toEqual([]);
  });
});
