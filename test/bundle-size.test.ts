// Start-up time follows the size of the code each step loads before it can send a request:
// the entry bundles have a size budget. Lazily loaded chunks (the artifact client, Octokit,
// fetch for the pull-request comment) load only when used and are not counted.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDir } from '../scripts/step-runner.ts';

const MiB = 1024 * 1024;
const BUDGETS = { main: 1.5 * MiB, post: 1.3 * MiB };

describe('entry bundles', () => {
  for (const [step, budget] of Object.entries(BUDGETS)) {
    it(`${step} stays within ${budget / MiB} MiB`, () => {
      const size = statSync(path.join(bundleDir(), step, 'index.js')).size;
      expect(size).toBeGreaterThan(0);
      expect(size, `${step}/index.js is ${(size / MiB).toFixed(2)} MiB`).toBeLessThanOrEqual(
        budget,
      );
    });
  }

  it('carries one copy of undici, shared with @actions/http-client and @actions/github', () => {
    for (const step of Object.keys(BUDGETS)) {
      const dir = path.join(bundleDir(), step);
      const code = readdirSync(dir)
        .filter((file) => file.endsWith('.js'))
        .map((file) => readFileSync(path.join(dir, file), 'utf8'))
        .join('\n');
      // One class definition per copy of undici bundled, in the entry or in any chunk.
      expect(code.match(/class ConnectTimeoutError extends UndiciError/g), step).toHaveLength(1);
    }
  });
});
