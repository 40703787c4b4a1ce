// `npm run demo -- path/to/file` as a person types it: the script, as a real process, runs the
// file through the action's own `file` input (language inferred, file named in annotations).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/step-runner.ts';

/** Runs the demo as `npm run demo -- <arg>` typed in `from` would (npm sets INIT_CWD). */
async function demo(arg: string, from: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['scripts/demo.ts', arg], {
    cwd: ROOT,
    env: { ...process.env, INIT_CWD: from },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out };
}

describe('npm run demo -- <file>', () => {
  const project = mkdtempSync(path.join(tmpdir(), 'abrc-demo-'));
  mkdirSync(path.join(project, 'scripts'));
  writeFileSync(
    path.join(project, 'scripts', 'check.mjs'),
    'import { sep } from "node:path";\nconsole.log("separator", sep);\nnull.boom;\n',
  );
  writeFileSync(path.join(project, 'tool.cjs'), 'console.log(require("node:path").sep + "ok");\n');
  writeFileSync(
    path.join(project, 'Main.java'),
    'public class Main {\n  public static void main(String[] args) {\n    System.out.println("java " + (6 * 7));\n  }\n}\n',
  );

  it('runs an .mjs file by its path from where the command was typed, language inferred', async () => {
    const { code, out } = await demo('scripts/check.mjs', project);
    expect(code).toBe(1); // the code failed, so the demo says so
    expect(out).toContain('(file: scripts/check.mjs)');
    expect(out).toContain('stdout: "separator /\\n"');
    // The action's annotation points at the file and line, as on a pull request's diff.
    expect(out).toMatch(/::error title=JavaScript error,file=scripts\/check\.mjs,line=3,/);
    expect(out).toContain('still running after the post step: 0');
  });

  it('runs a .cjs file given by an absolute path outside the directory, under its own name', async () => {
    const { code, out } = await demo(path.join(project, 'tool.cjs'), ROOT);
    expect(code).toBe(0);
    expect(out).toContain('(file: tool.cjs)');
    expect(out).toContain('success: "true"');
    expect(out).toContain('output: "/ok\\n"');
  });

  it('runs a .java file', async () => {
    const { code, out } = await demo('Main.java', project);
    expect(code).toBe(0);
    expect(out).toContain('(file: Main.java)');
    expect(out).toContain('output: "java 42\\n"');
  });

  it('a missing file is one line and exit code 2', async () => {
    const { code, out } = await demo('nope.py', project);
    expect(code).toBe(2);
    expect(out.trim()).toBe('npm run demo: no such file: nope.py');
  });
});
