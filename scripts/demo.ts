// Runs the bundled action end to end against the local AgentBay-compatible server, the way
// the runner would (main step, then post step), and prints what a workflow would see.
// No API key and no network needed:  npm run demo  [-- path/to/file.py]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../server/server.ts';
import { makeWorkdir, runStep, TEST_KEY } from './step-runner.ts';

const SAMPLE = `import platform, sys
print(f"Hello from {platform.python_implementation()} {platform.python_version()}")
print("a warning on stderr", file=sys.stderr)
sum(n * n for n in range(10))
`;

const fileArg = process.argv[2];
const server = await startServer({ apiKey: TEST_KEY });
const workdir = makeWorkdir();
try {
  const inputs: Record<string, string> = {
    'api-key': TEST_KEY,
    endpoint: server.url,
    timeout: '30',
  };
  if (fileArg) {
    inputs.code = readFileSync(fileArg, 'utf8');
    inputs.language = path.extname(fileArg).slice(1) || 'python';
  } else {
    inputs.code = SAMPLE;
    inputs.language = 'python';
  }
  console.log(`Local AgentBay-compatible server: ${server.url}\n`);

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
  console.log(`\nJob summary: ${path.join(workdir.dir, 'main-summary.md')}`);
  console.log(`Result file: ${main.outputs['result-file'] ?? '(none)'}`);
  const running = server.sessions().filter((s) => s.status === 'RUNNING');
  console.log(
    `Sessions created: ${server.sessions().length}; still running after the post step: ${running.length}`,
  );
  process.exitCode = main.code === 0 && post.code === 0 && running.length === 0 ? 0 : 1;
} finally {
  await server.close();
}
