#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

main(process.argv).catch((error) => {
  process.stderr.write(`wb: ${error?.message ?? error}\n`);
  process.exit(1);
});
