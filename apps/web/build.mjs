// Builds the web app: the SPA bundle (dist/public) and the static server (dist/server.js).
// Usage: node apps/web/build.mjs   (npm run build:web)
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { build } from 'esbuild';

const root = import.meta.dirname;
const dist = join(root, 'dist');
const tsconfig = join(root, 'tsconfig.json');

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'public'), { recursive: true });

await Promise.all([
  build({
    entryPoints: { app: join(root, 'src/spa/main.ts') },
    outdir: join(dist, 'public'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    sourcemap: true,
    tsconfig,
    logLevel: 'warning',
  }),
  build({
    entryPoints: { server: join(root, 'src/server/main.ts') },
    outdir: dist,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig,
    logLevel: 'warning',
  }),
  copyFile(join(root, 'public/index.html'), join(dist, 'public/index.html')),
  copyFile(join(root, 'public/app.css'), join(dist, 'public/app.css')),
  copyFile(join(root, 'public/favicon.svg'), join(dist, 'public/favicon.svg')),
]);
