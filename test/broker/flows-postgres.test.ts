/**
 * The broker's flows on PostgreSQL (BROKER_TEST_DATABASE_URL), a fresh schema per test.
 */
import { describePostgres } from '../support/broker/postgres-suite';
import { defineFlowSuite } from '../support/broker/flow-suite';

describePostgres('broker flows on PostgreSQL', () => {
  defineFlowSuite('postgres', async () => undefined);
});
