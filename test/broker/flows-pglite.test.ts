/**
 * The broker's flows on PGlite (the default store): one data folder for the file, a fresh schema
 * per test.
 */
import { afterAll, describe } from 'vitest';
import { SharedPglite } from '../support/broker/databases';
import { defineFlowSuite } from '../support/broker/flow-suite';

const shared = new SharedPglite();
afterAll(() => shared.close());

describe('broker flows on PGlite', () => {
  defineFlowSuite('pglite', () => shared.open());
});
