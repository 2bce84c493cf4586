/**
 * The static files of the API reference at `/docs`, from the `swagger-ui-dist` package, with
 * the media type each is served as. Pure data: CDK copies these files beside the bundle of the
 * function that serves `/docs`, so the reference renders without reaching the internet.
 */
export const DOCS_ASSETS = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
} as const;

export type DocsAsset = keyof typeof DOCS_ASSETS;

/** Where in a function's bundle the files are: `docs/` beside `index.mjs`. */
export const DOCS_ASSET_DIR = 'docs';
