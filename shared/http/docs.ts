import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DOCS_ASSET_DIR, type DocsAsset } from './docs-assets.ts';

/**
 * The API reference page: Swagger UI from this function's own files, loading `/openapi.json`.
 * Nothing is fetched from elsewhere (the online validator badge is off).
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warden API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, validatorUrl: null });</script>
</body>
</html>
`;

const loaded = new Map<DocsAsset, Promise<string>>();

/**
 * Where an asset is: beside the bundle in Lambda (`cdk/bundling.ts` copies it there), else in
 * the `swagger-ui-dist` package (the local runtime and tests).
 */
function assetPath(name: DocsAsset): string {
  const beside = fileURLToPath(new URL(`./${DOCS_ASSET_DIR}/${name}`, import.meta.url));
  return existsSync(beside) ? beside : createRequire(import.meta.url).resolve(`swagger-ui-dist/${name}`);
}

/** The text of a reference asset, read once per process. */
export function docsAsset(name: DocsAsset): Promise<string> {
  let text = loaded.get(name);
  if (!text) {
    text = readFile(assetPath(name), 'utf8');
    loaded.set(name, text);
  }
  return text;
}
