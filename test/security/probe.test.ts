import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it, expect } from 'vitest';
import { createAppLogger } from '../../electron/app/logging';
it('probe', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'));
  const logger = createAppLogger(dir);
  logger.info('hello world', { accessToken: 'abc', n: 1 });
  logger.warn('Bearer eyJhbGciOi.eyJzdWIiOiIx.sig');
  await new Promise((r) => setTimeout(r, 300));
  console.log(fs.readdirSync(dir, { recursive: true }));
  const f = path.join(dir, 'logs', 'main.log');
  console.log(fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : 'nofile');
  expect(1).toBe(1);
});
