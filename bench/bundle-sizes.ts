/**
 * Bundles every function entry the way `cdk synth` does (the settings of `cdk/bundling.ts`) and
 * prints one JSON object: bytes of each `index.mjs`, gzipped bytes (≈ the Lambda zip), source
 * map bytes, and the inputs that weigh most.
 */
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { BUNDLING, ENTRIES, EXTERNAL_MODULES, esbuildOptions } from '../cdk/bundling.ts';

/** Size of one function's bundle. */
interface BundleSize {
  readonly entry: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  readonly largestInputs: Record<string, number>;
}

/** Bundles one entry in memory and measures the output. */
async function measure(entry: string): Promise<BundleSize> {
  const result = await build({ ...esbuildOptions(entry), metafile: true, write: false, logLevel: 'silent' });
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!code) throw new Error(`bundle of \`${entry}\` produced no index.mjs`);
  return {
    entry,
    bytes: code.contents.byteLength,
    gzipBytes: gzipSync(code.contents).byteLength,
    sourceMapBytes: map?.contents.byteLength ?? 0,
    largestInputs: largestInputs(result.metafile),
  };
}

/** The five inputs contributing most bytes to the output, grouped by package. */
function largestInputs(metafile: Metafile): Record<string, number> {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
    }
  }
  return Object.fromEntries([...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 5));
}

const functions: Record<string, BundleSize> = {};
for (const [name, entry] of Object.entries(ENTRIES)) functions[name] = await measure(entry);
process.stdout.write(
  `${JSON.stringify({
    bench: 'bundle-sizes',
    settings: { format: 'esm', target: BUNDLING.target, minify: BUNDLING.minify, external: EXTERNAL_MODULES },
    functions,
    totalBytes: Object.values(functions).reduce((sum, f) => sum + f.bytes, 0),
  })}\n`,
);
