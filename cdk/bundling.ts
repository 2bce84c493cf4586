import { fileURLToPath } from 'node:url';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { DOCS_ASSET_DIR, DOCS_ASSETS } from '#shared/http/docs-assets.ts';

/** Repository root: esbuild resolves `#shared/*` through its `package.json` `imports`. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The lock file that pins what esbuild bundles. */
export const DEPS_LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** Some CommonJS dependencies call `require`, which ESM lacks; this recreates it. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The Node 22 runtime ships AWS SDK v3, so bundling it would only add cold-start weight. */
export const EXTERNAL_MODULES = ['@aws-sdk/*'];

/** How every Warden function is bundled; `bench/bundle-sizes.ts` measures the same settings. */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  externalModules: EXTERNAL_MODULES,
  // The esbuild of devDependencies: synth needs no Docker and bundles the same as `npm test`.
  forceDockerBundling: false,
};

/** The entry file of every function, relative to the repository root. */
export const ENTRIES = {
  scim: 'functions/scim/handler.ts',
  userinfo: 'functions/userinfo/handler.ts',
  policy: 'functions/policy/handler.ts',
  impersonation: 'functions/impersonation/handler.ts',
  userinfoSync: 'functions/userinfo/sync-handler.ts',
  groupPurge: 'functions/scim/purge-handler.ts',
  snapshotArtifact: 'functions/snapshot-artifact/handler.ts',
  console: 'functions/console/handler.ts',
  catalogBackfill: 'functions/backfill/handler.ts',
} as const;

/** Absolute path of a function entry given relative to the repository root. */
export function entryPath(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/** `BUNDLING` as esbuild JS API options, to measure or run a bundle without CDK. */
export function esbuildOptions(entry: string): BuildOptions & { outfile: string } {
  return {
    entryPoints: [entryPath(entry)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    mainFields: BUNDLING.mainFields,
    banner: { js: ESM_REQUIRE_BANNER },
    external: EXTERNAL_MODULES,
    // What NodejsFunction names an ESM bundle; the Lambda handler is `index.handler`.
    outfile: 'index.mjs',
  };
}

/**
 * Files copied beside `index.mjs` of the function serving `/docs`: the reference's scripts and
 * styles, read at run time, so they weigh nothing in the bundle that a cold start parses.
 * Bundle-relative path → repository-relative source.
 */
export const DOCS_BUNDLE_FILES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(DOCS_ASSETS).map((name) => [`${DOCS_ASSET_DIR}/${name}`, `node_modules/swagger-ui-dist/${name}`]),
);

/** The console's stylesheet beside its bundle (`functions/console/app.tsx` reads it there). */
export const CONSOLE_BUNDLE_FILES: Readonly<Record<string, string>> = { 'console/console.css': 'functions/console/static/console.css' };

/** `BUNDLING` with `files` (bundle-relative target → repository-relative source) copied after esbuild. */
export function bundlingWithFiles(files: Readonly<Record<string, string>>): BundlingOptions {
  const copies = Object.entries(files).flatMap(([to, from]) => [`mkdir -p "$(dirname "OUT/${to}")"`, `cp "IN/${from}" "OUT/${to}"`]);
  return {
    ...BUNDLING,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir, outputDir) => copies.map((cmd) => cmd.replaceAll('IN/', `${inputDir}/`).replaceAll('OUT/', `${outputDir}/`)),
    },
  };
}
