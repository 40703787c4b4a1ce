import path from 'node:path';

/**
 * Uploads `files` (all under `rootDir`, kept relative to it) as a workflow artifact and
 * returns its name and page (under `runUrl`, the run's page). @actions/artifact is large, so
 * it is loaded only here, when an artifact was asked for. It needs the runner's
 * ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL, which it reads itself.
 */
export async function uploadArtifact(
  name: string,
  files: string[],
  rootDir: string,
  runUrl: string,
): Promise<{ name: string; url: string; id: number | undefined }> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const { id } = await client.uploadArtifact(
    name,
    files.map((file) => path.resolve(file)),
    path.resolve(rootDir),
  );
  return { name, id, url: id === undefined || !runUrl ? '' : `${runUrl}/artifacts/${id}` };
}
