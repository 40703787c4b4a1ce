import { arch, platform } from 'node:os';

/** Kept equal to package.json's version by a test. */
export const ACTION_VERSION = '1.0.0';

export const USER_AGENT = `agentbay-run-code/${ACTION_VERSION} (GitHub Action; Node.js/${process.version}; ${platform()}; ${arch()})`;
