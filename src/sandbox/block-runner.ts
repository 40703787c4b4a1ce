// A Markdown block as the sandbox runs it: its skip conditions first (pytest-codeblocks'
// skipif and importorskip), then the block itself, a `>>>` session through doctest's driver.
import { randomBytes } from 'node:crypto';
import type { AgentBayClient } from '../agentbay/client.ts';
import { sourceName } from '../runs/code-source.ts';
import { doctestDriver, doctestResult } from '../runs/doctest.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import { conditionCode, conditionVerdict } from './block-conditions.ts';
import { runUserCode, type CodeRun, type CodeRunAnswer } from './code-runner.ts';
import type { JobHooks } from './background-job.ts';

export interface BlockAnswer extends CodeRunAnswer {
  /** Not run: a skip condition held (why). */
  skipReason?: string;
  /** The page line the failure is about, when the traceback cannot say (a doctest example). */
  failureLine?: number;
}

/** Runs `run` (its code as `base` would run it), after its conditions, doctest-driven if a session. */
export async function runBlock(
  client: AgentBayClient,
  sessionId: string,
  run: PlannedRun,
  base: CodeRun,
  hooks: JobHooks,
): Promise<BlockAnswer> {
  if (run.conditions && run.conditions.length > 0) {
    const nonce = randomBytes(8).toString('hex');
    const answer = await runUserCode(client, sessionId, {
      ...base,
      code: conditionCode(run.conditions, nonce),
      language: 'python',
      source: { kind: 'inline' },
    });
    const verdict = conditionVerdict(answer.result, nonce);
    if ('error' in verdict) return { ...answer, result: verdict.error };
    if (verdict.skip) return { ...answer, skipReason: verdict.skip };
  }
  if (!run.doctest) return runUserCode(client, sessionId, base, hooks);
  const nonce = randomBytes(8).toString('hex');
  const answer = await runUserCode(
    client,
    sessionId,
    { ...base, code: doctestDriver(run.code, sourceName(run.source), nonce) },
    hooks,
  );
  const firstLine = run.pageLines?.[0] ?? (run.source.fenceLine ?? 0) + 1;
  const judged = doctestResult(answer.result, nonce, firstLine);
  return { ...answer, result: judged.result, failureLine: judged.failureLine };
}
