// Shared by the metadata and workflow tests: action.yml, the README's generated Inputs block and
// Outputs list, and the YAML of workflows, parsed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../scripts/step-runner.ts';

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: unknown;
}

export interface ActionMetadata {
  name?: string;
  description?: string;
  branding?: { icon?: string; color?: string };
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string }>;
  runs: { using?: string; main?: string; post?: string; 'post-if'?: string };
}

export function loadAction(): ActionMetadata {
  const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionMetadata;
  return { ...action, inputs: action.inputs ?? {}, outputs: action.outputs ?? {} };
}

/** A default as the runner passes it to the action (a string), or undefined when none. */
export function defaultText(input: ActionInput): string | undefined {
  return input.default === undefined || input.default === null ? undefined : String(input.default);
}

export function readme(): string {
  return readFileSync(path.join(ROOT, 'README.md'), 'utf8');
}

/** The text under a `## heading` of a Markdown document, up to the next heading of that level. */
export function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`README.md has no '## ${heading}' section`);
  const end = lines.findIndex((line, index) => index > start && /^## /.test(line));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The lines between `<!-- NAME:start … -->` and `<!-- NAME:end -->` of a Markdown text. */
export function generatedLines(markdown: string, name: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`<!-- ${name}:start`));
  const end = lines.findIndex((line) => line === `<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`README.md has no ${name} markers`);
  return lines.slice(start + 1, end);
}

/**
 * The inputs of the README's usage block (`    name: ''` after its comment lines), in order,
 * each with the value of its `# Default:` comment line, if any.
 */
export function usageInputs(markdown: string): Array<{ name: string; shown?: string }> {
  const inputs: Array<{ name: string; shown?: string }> = [];
  let shown: string | undefined;
  for (const line of generatedLines(markdown, 'inputs')) {
    const note = /^ {4}# Default: (.*)$/.exec(line);
    const key = /^ {4}([\w-]+): ''$/.exec(line);
    if (note) shown = note[1];
    else if (key) {
      inputs.push(shown === undefined ? { name: key[1]! } : { name: key[1]!, shown });
      shown = undefined;
    }
  }
  return inputs;
}

/** The outputs the README's Outputs list names (`- \`name\`: …`), in order. */
export function listedOutputs(markdown: string): string[] {
  return generatedLines(markdown, 'outputs').flatMap((line) => {
    const item = /^- `([\w-]+)`:/.exec(line);
    return item ? [item[1]!] : [];
  });
}

/** Files under a directory (recursively) whose names end in one of the extensions. */
export function filesUnder(dir: string, extensions: string[]): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, extensions);
    return extensions.some((ext) => entry.name.endsWith(ext)) ? [full] : [];
  });
}

/** The ```yaml blocks of a Markdown text, with the `###`/`##` heading each sits under. */
export function yamlBlocks(markdown: string): Array<{ heading: string; text: string }> {
  const blocks: Array<{ heading: string; text: string }> = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^#{2,3} /.test(line)) heading = line.replace(/^#+ /, '');
    if (/^```ya?ml\s*$/.test(line)) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++)
        body.push(lines[i] ?? '');
      blocks.push({ heading, text: body.join('\n') });
    }
  }
  return blocks;
}

/** `uses:` values that mean this action: `./` in this repository, `<owner>/agentbay-run-code@<ref>` elsewhere. */
export function usesThisAction(uses: unknown): boolean {
  return typeof uses === 'string' && /^(\.\/?|[\w.-]+\/agentbay-run-code@[\w./-]+)$/.test(uses);
}
