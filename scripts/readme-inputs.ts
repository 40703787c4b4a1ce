// The README's Inputs block and Outputs list, generated from action.yml, the one place their
// descriptions live. `npm run readme` rewrites README.md between the markers;
// test/readme.test.ts fails when the README differs from a fresh generation.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

interface Metadata {
  inputs: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description?: string }>;
}

/** Comment lines wrap here, as in actions/checkout's README. */
const WIDTH = 100;

/** README sections that tell more about an input or output, linked from its description. */
const SECTIONS: Record<string, string[]> = {
  file: ['Several files in one step', 'Notebooks', 'Code that runs from a file'],
  parameters: ['Notebooks'],
  parallel: ['Several files in one step'],
  markdown: ['Code blocks in the docs'],
  'changed-only': ['Only the files a change touched'],
  shard: ['Shards over a matrix'],
  'junit-file': ['A JUnit report'],
  'session-id': ['One sandbox across steps'],
  timeout: ['Runs longer than 60 seconds'],
  upload: ['The repository in the sandbox'],
  setup: ['The repository in the sandbox'],
  env: ['The repository in the sandbox'],
  'secret-env': ['The repository in the sandbox'],
  download: ['The repository in the sandbox'],
  cleanup: ['Security and reliability'],
  'idle-timeout': ['Security and reliability'],
  'max-output-size': ['Security and reliability'],
  artifact: ['What you see in the Actions UI'],
  comment: ['What you see in the Actions UI'],
  'github-token': ['What you see in the Actions UI'],
  'comment-id': ['What you see in the Actions UI'],
  'syntax-check': ['The syntax check on the runner'],
  'result-file': ['What you see in the Actions UI'],
  files: ['What you see in the Actions UI', 'Notebooks'],
  results: ['Several files in one step', 'Code blocks in the docs', 'Notebooks'],
};

/** An input's default as the README shows it; `$NAME` when the code falls back to a variable. */
export function defaultShown(input: Metadata['inputs'][string]): string | undefined {
  if (input.default !== undefined && input.default !== null) return String(input.default);
  const fallback = /Falls back to the `([A-Z][A-Z0-9_]*)` environment variable/.exec(
    input.description ?? '',
  );
  return fallback ? `$${fallback[1]}` : undefined;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * "See [Section](#anchor), …." for an input or output with README sections about it, as words
 * that wrapping keeps whole; none when it has none.
 */
function seeAlso(name: string, headings: Set<string>): string[] {
  const sections = SECTIONS[name] ?? [];
  if (sections.length === 0) return [];
  const linked = sections.map((section, i) => {
    if (!headings.has(section)) throw new Error(`README.md has no heading '${section}' (${name})`);
    return `[${section}](#${anchor(section)})${i < sections.length - 1 ? ',' : '.'}`;
  });
  return ['See', ...linked];
}

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean);

/** Words (or given units) in lines of at most `width` characters; a longer one has its own line. */
function wrap(text: string | string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of typeof text === 'string' ? wordsOf(text) : text) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function usageBlock(action: Metadata, headings: Set<string>): string[] {
  const indent = '    # ';
  const width = WIDTH - indent.length;
  const entries = Object.entries(action.inputs).map(([name, input]) => {
    const paragraphs = (input.description ?? '').split(/\n\s*\n/).map((text) => wrap(text, width));
    const see = seeAlso(name, headings);
    const shown = defaultShown(input);
    const notes = [
      ...(see.length > 0 ? wrap(see, width) : []),
      ...(input.required ? ['Required.'] : []),
      ...(shown === undefined ? [] : [`Default: ${shown}`]),
    ];
    const comment = paragraphs.flatMap((lines, i) => (i ? ['', ...lines] : lines));
    return [...comment, ...notes]
      .map((line) => (line ? `${indent}${line}` : '    #'))
      .concat(`    ${name}: ''`);
  });
  return [
    '```yaml',
    '- uses: org/agentbay-run-code@v1',
    '  with:',
    ...entries.flatMap((entry, i) => (i ? ['', ...entry] : entry)),
    '```',
  ];
}

function outputList(action: Metadata, headings: Set<string>): string[] {
  return Object.entries(action.outputs).flatMap(([name, output]) => {
    const words = [
      `\`${name}\`:`,
      ...wordsOf(output.description ?? ''),
      ...seeAlso(name, headings),
    ];
    return wrap(words, WIDTH - 2).map((line, i) => (i ? `  ${line}` : `- ${line}`));
  });
}

/** The text between `<!-- NAME:start … -->` and `<!-- NAME:end -->` replaced by `lines`. */
function replaceBetween(markdown: string, name: string, lines: string[]): string {
  const start = new RegExp(`^<!-- ${name}:start\\b.*-->$`, 'm').exec(markdown);
  const end = new RegExp(`^<!-- ${name}:end -->$`, 'm').exec(markdown);
  if (!start || !end || end.index < start.index)
    throw new Error(`README.md lacks the <!-- ${name}:start --> … <!-- ${name}:end --> markers`);
  const from = start.index + start[0].length;
  return `${markdown.slice(0, from)}\n${lines.join('\n')}\n${markdown.slice(end.index)}`;
}

/** The README with its Inputs block and Outputs list generated afresh, formatted as committed. */
export async function generateReadme(root: string): Promise<string> {
  const readmePath = path.join(root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as Metadata;
  const headings = new Set([...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.trim()));
  let text = replaceBetween(readme, 'inputs', usageBlock(action, headings));
  text = replaceBetween(text, 'outputs', outputList(action, headings));
  const options = await resolveConfig(readmePath);
  return format(text, { ...options, filepath: readmePath });
}

if (import.meta.main) {
  const root = path.resolve(import.meta.dirname, '..');
  const readmePath = path.join(root, 'README.md');
  const fresh = await generateReadme(root);
  if (fresh === readFileSync(readmePath, 'utf8')) console.log('README.md is up to date');
  else {
    writeFileSync(readmePath, fresh);
    console.log('README.md: Inputs and Outputs regenerated from action.yml');
  }
}
