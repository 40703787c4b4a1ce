// The repository's own workflows and release tooling, checked by parsing: nothing here can run
// on GitHub from a test, so the test pins what each job must do.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../scripts/step-runner.ts';
import { changelogSection, parseReleaseTag } from '../scripts/release-notes.ts';
import { filesUnder, loadAction, usesThisAction } from './metadata.ts';

const load = (file: string) => parse(readFileSync(path.join(ROOT, file), 'utf8'));
const ci = load('.github/workflows/ci.yml');
const release = load('.github/workflows/release.yml');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const action = loadAction();

type Step = Record<string, any>;
const steps = (workflow: any, job: string): Step[] => workflow.jobs?.[job]?.steps ?? [];
const script = (list: Step[]) => list.map((step) => step.run ?? '').join('\n');
const allWorkflows = filesUnder(path.join(ROOT, '.github', 'workflows'), ['.yml']).map((file) =>
  parse(readFileSync(file, 'utf8')),
);
const allSteps = allWorkflows.flatMap((workflow) =>
  Object.values<any>(workflow.jobs ?? {}).flatMap((job) => job.steps ?? []),
);

describe('every workflow', () => {
  it('sets up Node 24, the runtime the action ships for', () => {
    const setups = allSteps.filter((step) => /^actions\/setup-node@/.test(step.uses ?? ''));
    expect(setups.length).toBeGreaterThan(0);
    expect(action.runs.using).toBe('node24');
    for (const step of setups) expect(String(step.with?.['node-version'])).toBe('24');
  });

  it('runs only npm scripts that package.json has', () => {
    const used = [...script(allSteps).matchAll(/\bnpm run(?: -s)? ([\w:-]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !(name in pkg.scripts))).toEqual([]);
  });

  it('grants the GITHUB_TOKEN read-only access unless a job needs more', () => {
    for (const workflow of allWorkflows) expect(workflow.permissions).toEqual({ contents: 'read' });
  });
});

describe('ci.yml', () => {
  it('runs on pushes to main and on pull requests', () => {
    expect(ci.on.push.branches).toContain('main');
    expect(ci.on).toHaveProperty('pull_request');
  });

  it('installs, lints, typechecks and tests', () => {
    const run = script(steps(ci, 'test'));
    for (const command of ['npm ci', 'npm run lint', 'npm run typecheck', 'vitest run'])
      expect(run).toContain(command);
  });

  it('check-dist rebuilds dist/, fails on a difference and uploads the expected dist/', () => {
    const list = steps(ci, 'check-dist');
    const run = script(list);
    expect(run).toContain('npm run bundle');
    expect(run).toMatch(/git diff --exit-code\b.*-- dist\//);
    expect(run).toMatch(/git ls-files --others --exclude-standard -- dist\//); // new files too
    const diff = list.find((step) => /git diff --exit-code/.test(step.run ?? ''));
    const upload = list.find((step) => /^actions\/upload-artifact@/.test(step.uses ?? ''));
    expect(diff?.id).toBeTruthy();
    expect(upload?.with?.path).toBe('dist/');
    expect(upload?.if).toContain('failure()');
    expect(upload?.if).toContain(`steps.${diff!.id}.`);
  });

  it('self-test runs the action from the checkout against the server it starts', () => {
    const list = steps(ci, 'self-test');
    const start = list.find((step) => /server\/main\.ts/.test(step.run ?? ''));
    expect(start).toBeTruthy();
    const ours = list.filter((step) => usesThisAction(step.uses));
    expect(ours.length).toBeGreaterThanOrEqual(2);
    expect(ours.every((step) => step.uses === './')).toBe(true);
    for (const step of ours) {
      expect(step.with.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
      expect(step.with['api-key']).toBeTruthy();
      expect(list.indexOf(step)).toBeGreaterThan(list.indexOf(start!));
    }
    // A failing run with fail-on-error false, whose success output a later step checks.
    const failing = ours.find((step) => String(step.with['fail-on-error']) === 'false');
    expect(failing?.id).toBeTruthy();
    const checkFailing = list.find((step) =>
      JSON.stringify(step.env ?? {}).includes(`steps.${failing!.id}.outputs.success`),
    );
    expect(list.indexOf(checkFailing!)).toBeGreaterThan(list.indexOf(failing!));
  });

  it('the live job runs only when the AGENTBAY_API_KEY secret exists', () => {
    const live = ci.jobs.live;
    const gate = ci.jobs[live.needs];
    expect(gate).toBeTruthy();
    const [, output] = /needs\.[\w-]+\.outputs\.([\w-]+) == 'true'/.exec(live.if) ?? [];
    expect(output).toBeTruthy();
    const [, stepId] = /steps\.([\w-]+)\.outputs\./.exec(gate.outputs[output!]) ?? [];
    const check = gate.steps.find((step: Step) => step.id === stepId);
    expect(Object.values(check.env ?? {}).join(' ')).toContain("secrets.AGENTBAY_API_KEY != ''");
    const ours = live.steps.filter((step: Step) => usesThisAction(step.uses));
    expect(ours).toHaveLength(1);
    expect(ours[0].with['api-key']).toBe('${{ secrets.AGENTBAY_API_KEY }}');
  });
});

describe('release.yml', () => {
  const list = steps(release, 'release');

  it('runs on version tags, with write access only for the release job', () => {
    expect(release.on.push.tags).toEqual(['v*.*.*']);
    expect(release.jobs.release.permissions).toEqual({ contents: 'write' });
  });

  it('checks dist/ and runs the tests before it releases anything', () => {
    const position = (pattern: RegExp) => list.findIndex((step) => pattern.test(step.run ?? ''));
    const created = position(/gh release create/);
    expect(position(/npm run bundle/)).toBeGreaterThanOrEqual(0);
    expect(position(/git diff --exit-code\b.*-- dist\//)).toBeGreaterThanOrEqual(0);
    expect(position(/npm test/)).toBeGreaterThanOrEqual(0);
    for (const before of [
      /npm run bundle/,
      /git diff --exit-code/,
      /npm test/,
      /release-notes\.ts/,
    ])
      expect(position(before)).toBeLessThan(created);
  });

  it('publishes the CHANGELOG section as the notes and moves the major tag for releases only', () => {
    const position = (pattern: RegExp) => list.findIndex((step) => pattern.test(step.run ?? ''));
    const notes = position(/scripts\/release-notes\.ts/);
    const created = position(/gh release create/);
    expect(notes).toBeGreaterThanOrEqual(0);
    expect(list[created]?.run).toContain('--notes-file');
    const move = list.find((step) => /git tag --force/.test(step.run ?? ''))!;
    expect(list.indexOf(move)).toBeGreaterThan(created);
    expect(move.env.MAJOR).toContain('steps.notes.outputs.major');
    expect(move.if).toContain('steps.notes.outputs.prerelease');
  });
});

describe('scripts/release-notes.ts', () => {
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [1.1.0] - 2027-01-15',
    '',
    '### Added',
    '',
    '- A thing.',
    '',
    '## [1.0.0] - Unreleased',
    '',
    '- The first.',
    '',
    '[1.1.0]: https://example.com/v1.1.0',
  ].join('\n');

  it('reads vX.Y.Z and pre-release tags, and refuses anything else', () => {
    expect(parseReleaseTag('v1.2.3')).toEqual({ version: '1.2.3', major: 'v1', prerelease: false });
    expect(parseReleaseTag('v2.0.0-rc.1')).toEqual({
      version: '2.0.0-rc.1',
      major: 'v2',
      prerelease: true,
    });
    for (const bad of ['1.2.3', 'v1', 'v1.2', 'v01.2.3', 'v1.2.3.4', 'v1.2.3-']) {
      expect(() => parseReleaseTag(bad), bad).toThrow(/not a release tag/);
    }
  });

  it('returns the dated section, without the next one or the link definitions', () => {
    expect(changelogSection(changelog, '1.1.0')).toBe('### Added\n\n- A thing.\n');
  });

  it('refuses a missing or undated section', () => {
    expect(() => changelogSection(changelog, '1.2.0')).toThrow(/no '## \[1\.2\.0\]' section/);
    expect(() => changelogSection(changelog, '1.0.0')).toThrow(/release date/);
  });

  it('refuses to release the current tree until package.json and CHANGELOG.md say so', () => {
    const attempt = (tag: string) => {
      try {
        execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'release-notes.ts'), tag], {
          cwd: ROOT,
          env: { ...process.env, GITHUB_OUTPUT: '' },
          stdio: 'pipe',
        });
        return '';
      } catch (error: any) {
        return String(error.stderr);
      }
    };
    expect(attempt('v9.9.9')).toContain(`package.json has version ${pkg.version}`);
    const changelogFile = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    // The current version has its section; until release day it is marked Unreleased.
    const escaped = pkg.version.replace(/\./g, '\\.');
    const heading = new RegExp(`^## \\[${escaped}\\](.*)$`, 'm').exec(changelogFile);
    expect(heading).toBeTruthy();
    const released = /\d{4}-\d{2}-\d{2}/.test(heading![1]!);
    expect(attempt(`v${pkg.version}`)).toEqual(
      released ? '' : expect.stringContaining('release date'),
    );
  });
});

describe('local runs with @github/local-action', () => {
  const env = parseEnv(readFileSync(path.join(ROOT, '.env.example'), 'utf8'));

  it('.env.example sets only real inputs, named as the runner names them', () => {
    const names = Object.keys(env).filter((key) => key.startsWith('INPUT_'));
    const known = new Set(Object.keys(action.inputs).map((name) => `INPUT_${name.toUpperCase()}`));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    expect(env['INPUT_API-KEY']).toBeTruthy();
    expect(env['INPUT_ENDPOINT']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env['RUNNER_TEMP']).toBeTruthy();
  });

  it("the README's command points at entry points that export run()", async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const command = /npx @github\/local-action run \. (\S+) \.env --post (\S+)/.exec(readme) ?? [];
    const [, mainEntry, postEntry] = command;
    expect(mainEntry).toBe('src/step/run.ts');
    expect(postEntry).toBe('scripts/local-action-post.ts');
    const main = await import(path.join(ROOT, mainEntry!));
    const post = await import(path.join(ROOT, postEntry!));
    const { run } = await import('../src/step/run.ts');
    const { cleanup } = await import('../src/step/cleanup.ts');
    expect(main.run).toBe(run);
    expect(post.run).toBe(cleanup);
  });
});
