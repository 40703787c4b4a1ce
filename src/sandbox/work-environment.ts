// The repository in the sandbox: its files in before the code (upload), a setup script, and the
// files the code wrote back out afterwards (download). Progress goes to the job log.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import type { AgentBayClient } from '../agentbay/client.ts';
import { LOG_STREAM_LIMIT, printUntrusted } from '../report/log.ts';
import { redactText } from '../report/redact.ts';
import { StreamRedactor, makeRedactor } from '../text/secrets.ts';
import { clip } from '../text/clip.ts';
import { localName, printable } from './download-names.ts';
import { MIN_SECRET_CHARS } from '../text/secrets.ts';
import {
  MAX_DOWNLOAD_BYTES,
  MAX_DOWNLOAD_FILES,
  type SandboxInputs,
} from '../inputs/sandbox-settings.ts';
import { runBackgroundJob, type JobHooks } from './background-job.ts';
import { createTarGz } from './tar.ts';
import { downloadTree, uploadTree } from './transfer.ts';
import { SANDBOX_WORKDIR } from './workdir.ts';
import { SETUP_TIMEOUT_S, SetupFailed } from './setup-failed.ts';

/** Characters of sandbox text one warning may quote (a 60 MB name is not a log line). */
const MAX_WARNING_CHARS = 2000;

export interface SetupOutcome {
  exitCode: number;
  output: string;
  durationMs: number;
}

/**
 * Streams a job's output into the log: redacted, fenced against workflow commands, and at most
 * `limit` characters of each stream (a log of gigabytes helps nobody; the outputs and the
 * result file have the whole text). With a label (several jobs at once), each line says whose
 * it is.
 */
export function logStreamer(
  secrets: string[],
  options: { label?: string; limit?: number; write?: (s: string) => void } = {},
): NonNullable<JobHooks['onOutput']> {
  const { label, limit = LOG_STREAM_LIMIT, write } = options;
  const printed = { stdout: 0, stderr: 0 };
  // One per stream: a multi-line secret whose lines come in different polls is found whole.
  const redactors = { stdout: new StreamRedactor(secrets), stderr: new StreamRedactor(secrets) };
  return (stream, text, final) => {
    const room = limit - printed[stream];
    if (room <= 0) return;
    // Redacted before it is cut, so a cut never leaves part of a secret to be printed.
    const clean = redactors[stream].push(text) + (final ? redactors[stream].end() : '');
    if (!clean) return;
    printed[stream] += clean.length;
    const shown = clean.length > room ? clean.slice(0, room) : clean;
    printUntrusted(label ? shown.replace(/^(?=.)/gm, `[${label}] `) : shown, write);
    if (printed[stream] >= limit) {
      const notice = `${label ? `[${label}] ` : ''}Only the first ${limit} characters of ${stream} are shown in the log.\n`;
      if (write) write(notice);
      else core.info(notice.trimEnd());
    }
  };
}

/** The `upload` files read and archived once, however many sessions receive them. */
export interface PackedUpload {
  archive: Buffer;
  files: number;
  bytes: number;
}

export function packWorkspaceFiles(inputs: SandboxInputs): PackedUpload | undefined {
  if (inputs.upload.length === 0) return undefined;
  const entries = inputs.upload.map((file) => ({
    path: file.path,
    bytes: readFileSync(file.realPath),
  }));
  const bytes = entries.reduce((sum, e) => sum + e.bytes.length, 0);
  return { archive: createTarGz(entries), files: entries.length, bytes };
}

export async function uploadWorkspaceFiles(
  client: AgentBayClient,
  sessionId: string,
  inputs: SandboxInputs,
  packed: PackedUpload | undefined = packWorkspaceFiles(inputs),
): Promise<void> {
  if (!packed) return;
  core.info(`Uploading ${packed.files} file(s), ${packed.bytes} bytes, to ${SANDBOX_WORKDIR} …`);
  const stats = await uploadTree(client, sessionId, packed.archive);
  if (stats.fallback) core.info(`Using write_file for the upload: ${stats.fallback}.`);
  core.info(
    `Uploaded as one ${stats.archiveBytes}-byte archive through ${stats.route} in ${stats.calls} call(s).`,
  );
}

export async function runSetup(
  client: AgentBayClient,
  sessionId: string,
  inputs: SandboxInputs,
  envs: Record<string, string>,
  secrets: string[],
  /** Several sessions set up at once: their lines carry this label instead of sharing a group. */
  label?: string,
): Promise<SetupOutcome | undefined> {
  if (!inputs.setup) return undefined;
  let output = '';
  const stream = logStreamer(secrets, { label });
  const job = () =>
    runBackgroundJob(
      client,
      sessionId,
      {
        script: inputs.setup,
        cwd: SANDBOX_WORKDIR,
        envs,
        timeoutS: SETUP_TIMEOUT_S,
        mergeStderr: true,
      },
      {
        onOutput: (name, text) => {
          output += text;
          stream(name, text);
        },
      },
    );
  const done = label ? await job() : await core.group('Setup', job);
  const clean = redactText(output, secrets);
  if (done.timedOut || done.exitCode !== 0) {
    throw new SetupFailed(done.exitCode, clean, done.timedOut);
  }
  core.info(
    `${label ? `[${label}] ` : ''}Setup finished in ${(done.durationMs / 1000).toFixed(1)} s.`,
  );
  return { exitCode: 0, output: clean, durationMs: done.durationMs };
}

export interface DownloadedFiles {
  dir: string;
  /** Absolute paths on the runner. */
  files: string[];
}

/** Brings back what `download` names into `dir`; problems are warnings, never a failed run. */
export async function downloadFiles(
  client: AgentBayClient,
  sessionId: string,
  inputs: SandboxInputs,
  dir: string,
  secrets: string[],
): Promise<DownloadedFiles | undefined> {
  if (inputs.download.length === 0) return undefined;
  core.info(`Downloading ${inputs.download.join(', ')} from ${SANDBOX_WORKDIR} …`);
  try {
    const outcome = await downloadTree(client, sessionId, inputs.download, {
      maxBytes: MAX_DOWNLOAD_BYTES,
      maxFiles: MAX_DOWNLOAD_FILES,
    });
    if (outcome.kind === 'none') {
      core.warning(`download matched no files in ${SANDBOX_WORKDIR}.`);
      return { dir, files: [] };
    }
    if (outcome.kind === 'too-large') {
      core.warning(
        `download matched ${outcome.files} file(s) of ${outcome.bytes} bytes, more than the limit of ${MAX_DOWNLOAD_FILES} files and ${MAX_DOWNLOAD_BYTES} bytes; nothing was downloaded. Narrow the patterns.`,
      );
      return { dir, files: [] };
    }
    const written: string[] = [];
    const redact = makeRedactor(secrets);
    const taken = new Set<string>();
    for (const file of outcome.files) {
      const name = localName(file.path, redact);
      if (name.kind === 'refused') {
        core.warning(`A downloaded file ${name.reason}.`);
        continue;
      }
      if (taken.has(name.path)) {
        core.warning(
          `A downloaded file ${printable(file.path, redact)} was not written: its safe name is taken by another file.`,
        );
        continue;
      }
      taken.add(name.path);
      if (name.kind === 'renamed') {
        core.warning(
          `The downloaded file ${name.original} is saved as ${JSON.stringify(name.path)}: its name held a secret or characters an artifact or a log cannot carry.`,
        );
      }
      const target = path.join(dir, ...name.path.split('/'));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.bytes);
      written.push(target);
      if (secrets.some((s) => s.length >= MIN_SECRET_CHARS && file.bytes.includes(s))) {
        core.warning(
          `The downloaded file ${JSON.stringify(name.path)} contains the value of a secret (api-key or secret-env); it is kept as the code wrote it.`,
        );
      }
    }
    if (outcome.skipped.length > 0) {
      core.warning(
        `download skipped ${outcome.skipped.length} archive entries that were not plain files inside the working directory.`,
      );
    }
    core.info(
      `Downloaded ${written.length} file(s) to ${dir} through ${outcome.stats.route} in ${outcome.stats.calls} call(s).`,
    );
    return { dir, files: written };
  } catch (error) {
    core.warning(
      `Could not download the files: ${clip(redactText(error instanceof Error ? error.message : String(error), secrets), MAX_WARNING_CHARS)}`,
    );
    return { dir, files: [] };
  }
}
