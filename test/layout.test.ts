// The shape of src/ held to its limits (issue 18), measured by the script that prints it in
// CONTRIBUTING.md's Layout section, and the lint rule that keeps dependencies pointing one way.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import {
  backwardImports,
  importCircles,
  longestChain,
  longestFiles,
  namedFunctions,
  readModules,
  reachable,
  topLevelFiles,
  unruledFolders,
} from '../scripts/layout.ts';
import { ENTRIES, FOLDERS } from '../scripts/layout-rules.ts';

const modules = readModules();

describe('the layout of src/', () => {
  it('has at most 8 files at the top of src/ and a rule for every folder', () => {
    expect(topLevelFiles().length).toBeLessThanOrEqual(8);
    expect(unruledFolders()).toEqual([]);
  });

  it('has no import circles', () => {
    expect(importCircles(modules)).toEqual([]);
  });

  it('has no import chain from an entry longer than 9 modules', () => {
    const chain = longestChain(modules);
    expect(chain[0] && ENTRIES.includes(chain[0])).toBe(true);
    expect(chain.length, chain.join(' → ')).toBeLessThanOrEqual(9);
  });

  it('has no file over 500 lines and no named function over 100', () => {
    expect(longestFiles(modules, 1)[0]!.lines).toBeLessThanOrEqual(500);
    const [longest] = namedFunctions(modules);
    expect(longest!.lines, `${longest!.name} in ${longest!.file}`).toBeLessThanOrEqual(100);
  });

  it('reaches every module from the entries and has no import against the folder rules', () => {
    const reached = reachable(modules);
    expect([...modules.keys()].filter((file) => !reached.has(file))).toEqual([]);
    expect(backwardImports(modules)).toEqual([]);
  });
});

describe('the measurements themselves', () => {
  // The figures above are only as good as what the script sees: check it on a made-up graph.
  const graph = (edges: Record<string, string[]>) =>
    new Map(
      Object.entries(edges).map(([file, imports]) => [
        file,
        { file, imports, lines: 1, source: undefined as never },
      ]),
    );

  it('finds a circle and the longest chain', () => {
    const g = graph({
      'main.ts': ['step/a.ts'],
      'step/a.ts': ['report/b.ts', 'text/c.ts'],
      'report/b.ts': ['text/c.ts'],
      'text/c.ts': ['report/b.ts'],
    });
    expect(importCircles(g)).toEqual([['report/b.ts', 'text/c.ts']]);
    expect(longestChain(g, ['main.ts'])).toEqual([
      'main.ts',
      'step/a.ts',
      'report/b.ts',
      'text/c.ts',
    ]);
    expect(backwardImports(g)).toEqual(['text/c.ts → report/b.ts']);
  });

  it('measures functions, methods and functions assigned to a const', () => {
    const names = new Set(namedFunctions(modules).map((fn) => `${fn.file}:${fn.name}`));
    expect(names).toContain('agentbay/client.ts:runCode'); // a method
    expect(names).toContain('sandbox/background-job.ts:runBackgroundJob'); // a function
    expect(names).toContain('step/run.ts:run');
  });
});

describe('the folder rule in ESLint', () => {
  // The planted file is not on disk, so the type-aware rules (which need it in the project) are
  // left out; the folder rule needs no types.
  const lint = async (code: string, filePath: string) => {
    const eslint = new ESLint({
      cwd: process.cwd(),
      overrideConfig: tseslint.configs.disableTypeChecked,
    });
    const [result] = await eslint.lintText(code, { filePath });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    return [result];
  };

  it('fails a backward import from report/ into agentbay/, naming what report/ may import', async () => {
    const [result] = await lint(
      "import { AgentBayClient } from '../agentbay/client.js';\nexport const c = AgentBayClient;\n",
      'src/report/x.ts',
    );
    const messages = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.message).toContain(
      `report/ may import only ${FOLDERS.report!.mayImport.map((f) => `${f}/`).join(', ')}`,
    );
  });

  it('lets a folder import what its rule allows', async () => {
    const [result] = await lint(
      "import { clip } from '../text/clip.ts';\nexport const c = clip;\n",
      'src/report/x.ts',
    );
    expect(result!.messages.filter((m) => m.ruleId === 'no-restricted-imports')).toEqual([]);
  });
});
