/** Vitest setup for renderer component tests (jsdom): jest-dom matchers and DOM cleanup per test. */
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});
