// What makes the sandbox a work environment, as the inputs validated it: files in (upload), a
// setup script, variables (env, secret-env) and files out (download). sandbox-inputs.ts reads
// and checks it; the sandbox code (src/sandbox/) takes this plain shape, which imports nothing.

/** A file of the workspace to send: its path as the sandbox sees it, and where it is read. */
export interface UploadFile {
  /** Relative to the workspace, '/'-separated. */
  path: string;
  /** Absolute path on the runner. */
  realPath: string;
  size: number;
}

export interface SandboxInputs {
  upload: UploadFile[];
  setup: string;
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  /** Sandbox paths and globs relative to the working directory; `!` lines exclude. */
  download: string[];
}

/** Documented cap of what `download` brings back. */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
export const MAX_DOWNLOAD_FILES = 1000;
