// Prints what the action costs around the code it runs: start-up of each bundled step, the
// overhead of a trivial run, and time and peak memory as the output grows.
// npm run bench
import { startServer } from '../server/server.ts';
import { runStep, makeWorkdir, TEST_KEY } from './step-runner.ts';

const server = await startServer({ apiKey: TEST_KEY });
const base = { 'api-key': TEST_KEY, endpoint: server.url, language: 'python' };

async function timed(inputs: Record<string, string>) {
  const workdir = makeWorkdir();
  const started = performance.now();
  const main = await runStep('main', { inputs, workdir, env: { ACTIONS_STEP_DEBUG: 'true' } });
  const mainMs = performance.now() - started;
  const postStarted = performance.now();
  await runStep('post', { inputs, workdir, state: main.state });
  const postMs = performance.now() - postStarted;
  const peak = Number(/::debug::Peak memory: (\d+) MiB/.exec(main.stdout)?.[1] ?? NaN);
  const sandboxS = Number(main.outputs['execution-time'] ?? NaN);
  return { mainMs, postMs, peak, sandboxMs: sandboxS * 1000, ok: main.code === 0 };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

try {
  console.log('Bundled steps against the local AgentBay-compatible server (medians of 5 runs)\n');
  const trivial = [];
  for (let i = 0; i < 5; i++) trivial.push(await timed({ ...base, code: '1' }));
  console.log(
    `trivial run: main ${median(trivial.map((r) => r.mainMs)).toFixed(0)} ms ` +
      `(sandbox ${median(trivial.map((r) => r.sandboxMs)).toFixed(0)} ms), ` +
      `post ${median(trivial.map((r) => r.postMs)).toFixed(0)} ms, ` +
      `peak ${median(trivial.map((r) => r.peak))} MiB`,
  );
  console.log('\noutput size  main step   peak memory');
  for (const mb of [1, 10, 50]) {
    const code = `import sys\nfor _ in range(${mb}):\n    sys.stdout.write("x" * (1024 * 1024 - 1) + "\\n")\n`;
    const r = await timed({ ...base, code });
    console.log(
      `${String(mb).padStart(8)} MB  ${r.mainMs.toFixed(0).padStart(6)} ms  ${String(r.peak).padStart(8)} MiB${r.ok ? '' : '  (failed)'}`,
    );
  }
} finally {
  await server.close();
}
