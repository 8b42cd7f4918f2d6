#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { nodeIo } from '../dist/io/io.js';

process.exitCode = await main(process.argv.slice(2), nodeIo());
