import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isMap, LineCounter, parseAllDocuments } from 'yaml';
import { positionOf } from '#shared/yaml/position.ts';
import { parsePolicyDocument } from '#shared/policy/index.ts';
import { objectId } from './live.ts';
import { canonical, kindOf, label, schemaOf, type LocalObject } from './objects.ts';

/** A problem in a file: where it is and which field. */
export interface FileProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** Raised when files do not describe valid objects; lists every problem found. */
export class InvalidFilesError extends Error {
  override readonly name = 'InvalidFilesError';
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
  }
}

const EXTENSIONS = /\.(ya?ml|json)$/i;

/** Every YAML or JSON file under the given directories and files, sorted, hidden entries skipped. */
export async function filesOf(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  async function walk(path: string): Promise<void> {
    if (!(await stat(path)).isDirectory()) {
      out.push(path);
      return;
    }
    for (const entry of (await readdir(path)).sort()) {
      if (entry.startsWith('.')) continue;
      const child = join(path, entry);
      if ((await stat(child)).isDirectory() || EXTENSIONS.test(entry)) await walk(child);
    }
  }
  for (const p of paths) await walk(p);
  return out;
}

const fieldPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');

/** Where a problem without a node of its own is reported: the file's start. */
const TOP = { line: 1, col: 1 };

/** The objects of one file (several YAML documents may share one), or its problems. */
function objectsOf(file: string, text: string, problems: FileProblem[]): LocalObject[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (!Array.isArray(docs)) return [];
  const objects: LocalObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      for (const e of doc.errors) problems.push({ file, ...lines.linePos(e.pos[0]), message: `invalid YAML: ${e.message.split('\n')[0]}` });
      continue;
    }
    if (!isMap(doc.contents)) {
      problems.push({ file, ...(positionOf(doc, lines, []) ?? TOP), message: 'expected a policy or a data source (a mapping)' });
      continue;
    }
    const value = doc.toJS() as Record<string, unknown>;
    const kind = kindOf(value);
    const checked = schemaOf(kind).safeParse(value);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = fieldPath(issue.path);
        problems.push({ file, ...(positionOf(doc, lines, issue.path) ?? TOP), message: field ? `\`${field}\`: ${issue.message}` : issue.message });
      }
      continue;
    }
    const start = positionOf(doc, lines, []) ?? TOP;
    try {
      // The engine's checks (conditions, regular expressions, SQL), as the API would make them.
      if (kind === 'policy') parsePolicyDocument(value);
    } catch (error) {
      problems.push({ file, ...start, message: (error as Error).message });
      continue;
    }
    objects.push({ ...canonical(kind, value), file, line: start.line });
  }
  return objects;
}

/** Reads and checks every object of the given paths; any problem (or a key defined twice) fails them all. */
export async function readObjects(paths: readonly string[]): Promise<LocalObject[]> {
  const problems: FileProblem[] = [];
  const objects: LocalObject[] = [];
  const seen = new Map<string, LocalObject>();
  for (const path of await filesOf(paths)) {
    const file = relative(process.cwd(), path) || path;
    for (const o of objectsOf(file, await readFile(path, 'utf8'), problems)) {
      const id = objectId(o);
      const first = seen.get(id);
      if (first) problems.push({ file, line: o.line, col: 1, message: `${label(o)} is also defined in ${first.file}:${first.line}` });
      else seen.set(id, o);
      objects.push(o);
    }
  }
  if (problems.length) throw new InvalidFilesError(problems);
  return objects;
}
