#!/usr/bin/env node
// herald is written in TypeScript and run without a build step: register tsx, then hand over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
