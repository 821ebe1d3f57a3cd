#!/usr/bin/env node
// The `cairn-collector` command. npm links a package's bin at install time only if the file
// exists then, and dist/ does not exist in a fresh clone before `npm run build`: this file is
// committed so the link is always made, and loads the build (or says how to make it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    `cairn-collector: ${fileURLToPath(cli)} is missing: the collector has not been built.\n` +
      'Run `npm run build` in the repository root (after `npm install`), then run this command again.\n',
  );
  process.exit(1);
}
await import(cli.href);
