// Prints the wall time of N file runs with `parallel` 1, 2, 4 and 8 against the local server,
// each run sleeping a fixed delay, and its ratio to the ideal ceil(N / parallel) × delay.
// npm run bench:parallel [-- N delaySeconds]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from '../server/server.ts';
import { makeWorkdir, runStep, TEST_KEY } from './step-runner.ts';

const runs = Number(process.argv[2] ?? 16);
const delayS = Number(process.argv[3] ?? 1);
if (!Number.isInteger(runs) || runs < 1 || !(delayS > 0)) {
  console.error('usage: npm run bench:parallel -- [runs ≥ 1] [delay seconds > 0]');
  process.exit(2);
}

const server = await startServer({ apiKey: TEST_KEY });
try {
  console.log(
    `${runs} runs of ${delayS} s each (Python time.sleep), bundled main + post steps, local server\n`,
  );
  console.log('parallel  wall (main)  ideal     ratio  sessions');
  for (const parallel of [1, 2, 4, 8]) {
    const workdir = makeWorkdir();
    for (let i = 0; i < runs; i++) {
      const file = path.join(workdir.workspace, 'bench', `run${String(i).padStart(3, '0')}.py`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `import time\ntime.sleep(${delayS})\nprint(${i})\n`);
    }
    const inputs = {
      'api-key': TEST_KEY,
      endpoint: server.url,
      file: 'bench/*.py',
      parallel: String(parallel),
    };
    const before = server.sessions().length;
    const started = performance.now();
    const main = await runStep('main', { inputs, workdir });
    const wallS = (performance.now() - started) / 1000;
    await runStep('post', { inputs, workdir, state: main.state });
    if (main.code !== 0 || main.outputs.passed !== String(runs)) {
      throw new Error(`parallel ${parallel}: the batch failed\n${main.stdout}`);
    }
    const ideal = Math.ceil(runs / parallel) * delayS;
    const sessions = server.sessions().length - before;
    console.log(
      `${String(parallel).padEnd(8)}  ${wallS.toFixed(2).padStart(8)} s  ${ideal.toFixed(2).padStart(6)} s  ${(wallS / ideal).toFixed(2).padStart(5)}  ${sessions}`,
    );
  }
} finally {
  await server.close();
}
