// The post step for `npx @github/local-action`, which wants every entry point to export a
// `run()` function: src/post.ts runs cleanup() at import and then exits the process.
export { cleanup as run } from '../src/step/cleanup.ts';
