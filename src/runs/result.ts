// What a run produced, as every part of the action sees it; agentbay/run-code-result.ts reads
// it from the service's many encodings.
/** One output of the code: a MIME bundle such as `{"text/plain": "2", "image/png": "iVBOR…"}`. */
export interface ResultItem {
  isMain: boolean;
  /** MIME type → content (base64 for binary images, objects for JSON and chart specs). */
  data: Record<string, unknown>;
}

/** How the payload arrived; kept so that odd answers can be diagnosed from the result file. */
export type PayloadFormat = 'structured' | 'rich' | 'legacy-text';

/** What a run_code call produced, independent of the many ways the service may encode it. */
export interface CodeRunResult {
  /** False when the tool reported an error (`isError`) or the code raised (`executionError`). */
  success: boolean;
  /** The tool itself reported an error (`isError: true`). */
  toolError: boolean;
  /** The main result text, by the rule every SDK uses (see `mainText`). */
  output: string;
  stdout: string;
  stderr: string;
  /** A one-line description of the failure; empty on success. */
  error: string;
  /** The full error text (traceback) when the service gave one. */
  errorDetail: string;
  results: ResultItem[];
  executionTimeS: number | undefined;
  executionCount: number | undefined;
  /** The service's trace id for this run, when it gave one: support asks for it. */
  traceId: string;
  format: PayloadFormat;
}
