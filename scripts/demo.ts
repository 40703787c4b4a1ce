// Runs the bundled action end to end against the local AgentBay-compatible server, the way
// the runner would (main step, then post step), and prints what a workflow would see.
// No API key and no network needed:  npm run demo  [-- path/to/file.py|.js|.mjs|.cjs|.R|.java]
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../server/server.ts';
import { makeWorkdir, runStep, TEST_KEY, type Workdir } from './step-runner.ts';

const SAMPLE = `import platform, sys
print(f"Hello from {platform.python_implementation()} {platform.python_version()}")
print("a warning on stderr", file=sys.stderr)
sum(n * n for n in range(10))
`;

/**
 * Copies the user's file into the scratch workspace and names it as the `file` input would in
 * a workflow: its path relative to where `npm run demo` was typed when it lies below that
 * directory, else its base name. `npm run` changes into the project; INIT_CWD is where the
 * user was.
 */
function stageFile(given: string, workdir: Workdir): string {
  const from = process.env.INIT_CWD || process.cwd();
  const source = path.resolve(from, given);
  if (!existsSync(source) || !statSync(source).isFile()) {
    console.error(`npm run demo: no such file: ${given}`);
    process.exit(2);
  }
  const relative = path.relative(from, source);
  const inside = relative && !relative.startsWith('..') && !path.isAbsolute(relative);
  const name = (inside ? relative : path.basename(source)).split(path.sep).join('/');
  const target = path.join(workdir.workspace, name);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(source, target);
  return name;
}

const fileArg = process.argv[2];
const workdir = makeWorkdir();
// Through the `file` input, as in a workflow: the action infers the language from the
// extension and names the file in the summary and the annotations.
const inputs: Record<string, string> = fileArg
  ? { file: stageFile(fileArg, workdir) }
  : { code: SAMPLE, language: 'python' };

const server = await startServer({ apiKey: TEST_KEY });
try {
  Object.assign(inputs, { 'api-key': TEST_KEY, endpoint: server.url, timeout: '30' });
  console.log(`Local AgentBay-compatible server: ${server.url}`);
  if (inputs.file) console.log(`Workspace: ${workdir.workspace} (file: ${inputs.file})`);
  console.log('');

  const main = await runStep('main', { inputs, workdir });
  console.log('── main step (dist/main/index.js) ──');
  process.stdout.write(main.stdout + main.stderr);
  console.log(`exit code ${main.code}\n`);

  const post = await runStep('post', { inputs, workdir, state: main.state });
  console.log('── post step (dist/post/index.js) ──');
  process.stdout.write(post.stdout + post.stderr);
  console.log(`exit code ${post.code}\n`);

  console.log('── outputs ──');
  for (const [name, value] of Object.entries(main.outputs)) {
    console.log(`${name}: ${JSON.stringify(value)}`);
  }
  const summaryFile = path.join(workdir.dir, 'main-summary.md');
  const summary = existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '';
  console.log(`\nJob summary: ${summary ? summaryFile : '(none written)'}`);
  console.log(`Result file: ${main.outputs['result-file'] ?? '(none)'}`);
  const running = server.sessions().filter((s) => s.status === 'RUNNING');
  console.log(
    `Sessions created: ${server.sessions().length}; still running after the post step: ${running.length}`,
  );
  process.exitCode = main.code === 0 && post.code === 0 && running.length === 0 ? 0 : 1;
} finally {
  await server.close();
}
