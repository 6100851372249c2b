#!/usr/bin/env node
// herald's command line. In a checkout (tsx installed with the devDependencies) it runs the
// TypeScript sources as they are; in the production image, which has no tsx, the compiled
// JavaScript in dist/ (`npm run build`).
const tsx = await import('tsx/esm/api').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
  throw err;
});
let cli;
if (tsx) {
  tsx.register();
  cli = await import('../src/cli.ts');
} else {
  cli = await import('../dist/cli.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
