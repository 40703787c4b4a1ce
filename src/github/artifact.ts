import path from 'node:path';
import { runUrl } from './run-url.ts';

/**
 * Uploads `files` (all under `rootDir`, kept relative to it) as a workflow artifact and
 * returns its name, id and page ('' when the run's URL is not known). @actions/artifact is large, so it is loaded only here, when an
 * artifact was asked for. It needs the runner's ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL.
 */
export async function uploadArtifact(
  name: string,
  files: string[],
  rootDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ name: string; url: string; id: number | undefined }> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const { id } = await client.uploadArtifact(
    name,
    files.map((file) => path.resolve(file)),
    path.resolve(rootDir),
  );
  return { name, id, url: id === undefined ? '' : artifactUrl(env, id) };
}

/** The artifact's page in the run, as the runner's environment describes the run. */
export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string {
  const run = runUrl(env);
  return run ? `${run}/artifacts/${id}` : '';
}
