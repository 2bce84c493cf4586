#!/usr/bin/env node
// The `warden` command. Warden runs its TypeScript with tsx, as `npm start` does; registering
// it here, next to this file, makes the command work from any directory after `npm ci`.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
