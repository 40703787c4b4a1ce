import { cleanup } from './step/cleanup.ts';

await cleanup();
// Nothing is left to do; do not let a lingering socket keep the job waiting.
process.exit(0);
