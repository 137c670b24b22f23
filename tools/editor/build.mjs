// Build the editor's browser files into web/static/vendor/ and record versions and checksums in VERSIONS.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const out = '../../web/static/vendor';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// Browsers that load these pages all take woff2: the older font formats become empty data URLs.
const dropOldFonts = {
  name: 'drop-old-fonts',
  setup(b) {
    b.onResolve({ filter: /\.(eot|ttf|svg)([?#].*)?$/ }, (args) => ({ path: args.path, namespace: 'drop' }));
    b.onLoad({ filter: /.*/, namespace: 'drop' }, () => ({ contents: '', loader: 'dataurl' }));
  },
};

await build({
  entryPoints: { 'senapas-editor': 'src/editor.js', 'senapas-editor-style': 'src/editor.css' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir: out,
  legalComments: 'linked',
  loader: { '.woff': 'file', '.woff2': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  logLevel: 'warning',
  plugins: [dropOldFonts],
});

// Take the emptied font formats out of the @font-face rules (the CSP refuses data: fonts anyway).
const cssFile = join(out, 'senapas-editor-style.css');
const empty = 'url(data:text/plain;charset=utf-8,)';
writeFileSync(cssFile, readFileSync(cssFile, 'utf8')
  .replaceAll(`src:${empty};`, '')
  .replaceAll(new RegExp(`${empty.replace(/[()]/g, '\\$&')}( format\\("[a-z-]+"\\))?,?`, 'g'), '')
  .replaceAll(',;', ';'));

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pinned = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies);
const lines = ['# Built by `make vendor` (tools/editor/build.mjs) from tools/editor/package-lock.json; do not edit.', ''];
for (const name of pinned) {
  lines.push(`${name} ${lock.packages[`node_modules/${name}`].version}`);
}
lines.push('');
const files = [];
const walk = (dir, prefix) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(join(dir, entry.name), rel);
    else if (entry.name !== 'VERSIONS') files.push(rel);
  }
};
walk(out, '');
for (const rel of files.sort()) {
  const sha = createHash('sha256').update(readFileSync(join(out, rel))).digest('hex');
  lines.push(`sha256 ${sha}  ${rel}`);
}
writeFileSync(join(out, 'VERSIONS'), lines.join('\n') + '\n');
