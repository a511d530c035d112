#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, with the repository's tsconfig (path aliases).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));
register({ tsconfig: path.resolve(here, '../../../tsconfig.json') });
await import('../src/main.ts');
