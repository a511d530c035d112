// Builds the web app (vite) when its sources are newer than the last build, so `npm start`
// always serves the current UI without a rebuild on every start.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'apps/web');
const dist = path.join(web, 'dist/index.html');
if (!fs.existsSync(path.join(web, 'index.html'))) process.exit(0);

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}
const sources = Math.max(newest(web), newest(path.join(root, 'packages/shared/src')));
if (fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= sources && !process.argv.includes('--force')) process.exit(0);
console.log('building the web app…');
execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: web,
  stdio: 'inherit',
});
