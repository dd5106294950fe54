#!/usr/bin/env node
// The CLI is TypeScript run through tsx's loader, so a checkout works without a build step.
import { register } from 'tsx/esm/api';

register();
// `medshield scan dir | head`: the reader went away; stop quietly like any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
const { main } = await import('../src/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`medshield: internal error: ${err?.stack ?? err}\n`);
  process.exitCode = 70;
}
