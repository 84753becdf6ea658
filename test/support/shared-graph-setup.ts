/**
 * Setup for the engine-unit project, whose files share one module graph per worker (isolate: false
 * in vitest.config.ts). The one piece of module state in the Electron-free rooms is the redaction
 * registry in electron/core/redact.ts: each file starts with it empty, as it would in a fresh graph.
 */
import { clearRegisteredSecrets } from '../../electron/core/redact';

clearRegisteredSecrets();
