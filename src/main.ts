// First: starts the syntax check before the other modules load (src/early-check.ts).
import { earlyCheck } from './early-check.ts';
import { run } from './step/run.ts';

await run(process.env, earlyCheck);
