/** Where the workspace lands in the sandbox (`upload`), and where the code runs. */
export const SANDBOX_WORKDIR = '/workspace';
