import { build, type BuildOptions } from 'esbuild';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT, entryPath } from '../bundling.ts';

/**
 * Modules the image installs beside the bundle instead of inlining: libpg-query loads its WASM
 * parser from its own directory at run time, and `pg-native` is an optional binding `pg` never needs.
 */
export const QUERY_ENGINE_EXTERNALS = ['libpg-query', 'pg-native'];

/** The query engine's esbuild bundle: one ESM file for Node 22, AWS SDK included (ECS ships none). */
export function queryEngineBundleOptions(outfile: string): BuildOptions & { outfile: string } {
  return {
    entryPoints: [entryPath('query-engine/main.ts')],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    external: QUERY_ENGINE_EXTERNALS,
    outfile,
  };
}

// `npx tsx cdk/query-engine/bundle.ts <outfile>`: what the Dockerfile's build stage runs.
if (import.meta.url === `file://${process.argv[1]}`) {
  await build(queryEngineBundleOptions(process.argv[2] ?? 'dist/main.mjs'));
}
