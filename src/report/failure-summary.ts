import { printableId } from '../text/printable-id.ts';
import { codeBlock, details, inlineCode, inlineText } from './markdown.ts';
import { safeSlice } from './truncate.ts';

/** What kind of failure stopped the step before the code gave a result. */
export type FailureCause =
  | 'input'
  | 'auth'
  | 'unreachable'
  | 'capacity'
  | 'session-gone'
  | 'uncertain'
  | 'setup'
  | 'service';

/** A failure before any result, as plain data. */
export interface FailureReport {
  cause: FailureCause;
  /** The whole message, as the step's error says it. */
  message: string;
  /** What failed, without the advice (the summary gives its own). */
  detail: string;
  /** The input at fault, for an input error. */
  input?: string;
  /** The service's request id, for support. */
  requestId?: string;
  /** The session this step created, when it got that far. */
  sessionId?: string;
  /** What a failed `setup` printed (redacted). */
  setupOutput?: string;
}

const HEADLINES: Record<FailureCause, string> = {
  input: 'is not valid, so nothing ran',
  auth: 'AgentBay refused the API key, so nothing ran',
  unreachable: 'The AgentBay gateway could not be reached, so nothing ran',
  capacity: 'AgentBay could not provide a sandbox, so nothing ran',
  'session-gone': 'The sandbox session was gone before the code could run',
  uncertain: 'AgentBay did not answer: the code may or may not have run',
  setup: 'The `setup` script failed, so the code did not run',
  service: 'AgentBay failed before the code gave a result',
};

const WHAT_TO_DO: Record<FailureCause, string> = {
  input:
    "Fix the input in the step's `with:` and run the job again. The message above says what it accepts.",
  auth: "Check the `api-key` input: the secret may be empty, wrong or expired. Keys are bound to a region and work only with its gateway (`agentbay.<region>.aliyuncs.com`): set `region-id` to the key's region (`cn-hangzhou`, the default, `ap-southeast-1` or `us-east-1`).",
  unreachable:
    'Check the `region-id` (or `endpoint`) input and that the runner can reach the gateway over HTTPS (behind a proxy, set `HTTPS_PROXY`), then run the job again.',
  capacity:
    "Run the job again later. If it keeps happening, check your plan's concurrent-session quota and the `image` input.",
  'session-gone':
    'The service released the session, or something else deleted it. Run the job again.',
  uncertain:
    'The request was not sent again, so that the code never runs twice. Run the job again if the code is safe to run twice.',
  setup:
    'Read the setup output below (the step log has it too, in the Setup group), fix the script or what it installs, and run the job again.',
  service: 'Run the job again later. If it keeps happening, report it with the request id below.',
};

/** The job summary of a step that failed before the code gave a result: what failed, what to do. */
export function renderFailureSummary(failure: FailureReport): string {
  const headline =
    failure.cause === 'input'
      ? `Input ${inlineCode(failure.input ?? '')} ${HEADLINES.input}`
      : HEADLINES[failure.cause];
  const facts: string[] = [];
  if (failure.sessionId) {
    facts.push(`Session ${inlineCode(printableId(failure.sessionId))}: the post step deletes it`);
  } else if (failure.cause === 'uncertain') {
    facts.push('A session may exist: the post step looks for it by its label and deletes it');
  } else {
    facts.push('No sandbox session was created');
  }
  if (failure.requestId) facts.push(`request ${inlineCode(failure.requestId)}`);
  return `${[
    `### ❌ ${headline}`,
    // A quote wraps where a code block would scroll; escaped, it is text and nothing else.
    `> ${inlineText(clip(failure.detail))}`,
    `**What to do:** ${WHAT_TO_DO[failure.cause]}`,
    ...(failure.setupOutput ? [setupOutput(failure.setupOutput)] : []),
    `<sub>${facts.join(' · ')}</sub>`,
  ].join('\n\n')}\n`;
}

/** Characters of setup output the summary shows: its end, where the failure is. */
export const MAX_SETUP_OUTPUT_CHARS = 60_000;

/** The setup's output, collapsed; a pip log can be megabytes, and its end says what failed. */
function setupOutput(output: string): string {
  const cut = output.length > MAX_SETUP_OUTPUT_CHARS;
  const text = cut ? safeSlice(output, output.length - MAX_SETUP_OUTPUT_CHARS) : output;
  const title = cut
    ? `Setup output (the last ${MAX_SETUP_OUTPUT_CHARS} of ${output.length} characters)`
    : 'Setup output';
  return details(title, codeBlock(text));
}

/** A service's message can be megabytes; the step's error output has all of it. */
const MAX_DETAIL_CHARS = 2_000;

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)} …` : text;
}
