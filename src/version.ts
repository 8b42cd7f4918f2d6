import { createRequire } from 'node:module';

// package.json sits one level above both src/ and dist/.
const manifest = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

export const TOOL = manifest.name;
export const VERSION = manifest.version;
