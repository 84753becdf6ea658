/**
 * `describePostgres`: the PostgreSQL suites run when BROKER_TEST_DATABASE_URL is set, fail under CI
 * without it, and print one SKIPPED line elsewhere.
 */
import { describe } from 'vitest';
import { POSTGRES_URL } from './databases';

/**
 * `describe` for PostgreSQL suites: runs when BROKER_TEST_DATABASE_URL is set; otherwise fails
 * under CI and prints one SKIPPED line elsewhere.
 */
export function describePostgres(name: string, body: () => void): void {
  if (POSTGRES_URL !== '') {
    describe(name, body);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      throw new Error('BROKER_TEST_DATABASE_URL is not set: CI must run the PostgreSQL broker tests (.ci/run sets it up).');
    });
    return;
  }
  console.log(`SKIPPED ${name}: set BROKER_TEST_DATABASE_URL to run the PostgreSQL broker tests`);
  describe.skip(name, body);
}
