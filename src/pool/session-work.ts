// The sandbox work environment for every session of the pool: upload and setup right after the
// create, each run through runUserCode (variables, the file's directory, background jobs above
// 60 s), download after the session's last run.
import path from 'node:path';
import * as core from '@actions/core';
import type { AgentBayClient } from '../agentbay/client.ts';
import type { BatchWork, PreparedSession } from './session-pool.ts';
import {
  MAX_BATCH_OUTPUT_CHARS,
  MAX_RUN_OUTPUT_CHARS,
  type OutputBudget,
} from './output-budget.ts';
import type { SandboxInputs } from '../inputs/sandbox-settings.ts';
import { sourceName } from '../runs/code-source.ts';
import { runUserCode } from '../sandbox/code-runner.ts';
import { clearInterpreterState } from '../sandbox/fresh-state.ts';
import { SetupFailed } from '../sandbox/setup-failed.ts';
import {
  downloadFiles,
  logStreamer,
  runSetup,
  packWorkspaceFiles,
  uploadWorkspaceFiles,
  type PackedUpload,
} from '../sandbox/work-environment.ts';

export interface SandboxWorkOptions {
  sandbox: SandboxInputs;
  timeoutS: number;
  /** Sessions the step may hold (`parallel`): above 1, each downloads into its own directory. */
  parallel: number;
  /** Sessions this pool will hold at once: above 1, log lines carry whose they are. */
  poolSize: number;
  secrets: string[];
  /** What the runs may keep of their output; none for a single run, bounded by one answer. */
  budget: OutputBudget | undefined;
  /** Where downloads go; asked once the first session is known (it may name the directory). */
  downloadRoot: () => string;
}

/** The pool's work for the sandbox inputs; `prepared` fills in as sessions are prepared. */
export function sandboxWork(
  client: AgentBayClient,
  options: SandboxWorkOptions,
): { work: Omit<BatchWork, 'createSession'>; prepared: Map<string, PreparedSession> } {
  const { sandbox, secrets, poolSize, budget } = options;
  const envs = { ...sandbox.env, ...sandbox.secretEnv };
  const prepared = new Map<string, PreparedSession>();
  const notices = new Set<string>();
  let packed: PackedUpload | undefined;
  // Several sessions at once would interleave their log groups: lines carry a label instead.
  const label = (ordinal: number): string | undefined =>
    poolSize > 1 ? `session ${ordinal}` : undefined;
  return {
    prepared,
    work: {
      prepareSession: async (sessionId, ordinal) => {
        const entry: PreparedSession = { ordinal };
        prepared.set(sessionId, entry);
        // Read and archived once for every session, not once per session.
        packed ??= packWorkspaceFiles(sandbox);
        await uploadWorkspaceFiles(client, sessionId, sandbox, packed);
        try {
          const setup = await runSetup(client, sessionId, sandbox, envs, secrets, label(ordinal));
          entry.setupOutput = setup?.output;
        } catch (error) {
          // The summary shows what a failed setup printed, as it shows a successful one's.
          if (error instanceof SetupFailed) entry.setupOutput = error.output;
          throw error;
        }
      },
      runOne: async (sessionId, run) => {
        const answer = await runUserCode(
          client,
          sessionId,
          {
            code: run.code,
            language: run.language,
            // A Markdown block or a notebook cell is not its file: nothing runs from its path.
            source:
              run.source.fenceLine || run.source.cell !== undefined
                ? { kind: 'inline' }
                : run.source,
            timeoutS: options.timeoutS,
            envs,
          },
          {
            onOutput: logStreamer(secrets, {
              label: poolSize > 1 ? sourceName(run.source) : undefined,
            }),
          },
        );
        for (const notice of answer.notices) {
          if (!notices.has(notice)) core.notice(notice);
          notices.add(notice);
        }
        const kept = budget ? budget.take(answer.result) : { result: answer.result, cut: false };
        if (kept.cut) {
          core.warning(
            `The output of ${sourceName(run.source)} was cut in the middle to fit the batch's output budget (${MAX_RUN_OUTPUT_CHARS / 1024 / 1024} Mi characters per run, ${MAX_BATCH_OUTPUT_CHARS / 1024 / 1024} Mi in all); its rich results keep only their text.`,
          );
        }
        return {
          result: kept.result,
          requestId: answer.requestId,
          codeFile: answer.codeFile,
          streamed: answer.mode === 'background',
        };
      },
      clearState: (sessionId, languages) => clearInterpreterState(client, sessionId, languages),
      finishSession: async (sessionId, ordinal) => {
        if (sandbox.download.length === 0) return;
        // One session: its files straight in the directory, as for a single run. Several:
        // one subdirectory per session, since each may write the same paths.
        const root = options.downloadRoot();
        const dir = options.parallel > 1 ? path.join(root, `session-${ordinal}`) : root;
        const downloads = await downloadFiles(client, sessionId, sandbox, dir, secrets);
        const entry = prepared.get(sessionId) ?? { ordinal };
        entry.downloads = downloads;
        prepared.set(sessionId, entry);
      },
    },
  };
}
