/** The outcome of "Test API": which account answered, what the query cost, and how long it took. */
import type { TestApiResult } from '../../electron/ipc/contract';
import { describeError } from '../wording';
import { Notice } from './notice';

const numberFormat = new Intl.NumberFormat(undefined);
const n = (value: number): string => numberFormat.format(value);

/** Result panel for one API test. */
export function TestApiResultView({ result }: { result: TestApiResult }) {
  if (!result.ok) {
    return (
      <section className="test-result" aria-labelledby="test-result-heading">
        <h3 id="test-result-heading" className="test-result__heading">
          API test failed
        </h3>
        <Notice tone="error" headline={describeError(result.error)} detail={result.error.message} />
      </section>
    );
  }
  const { account, cost, durationMs } = result;
  return (
    <section className="test-result" aria-labelledby="test-result-heading" data-testid="test-api-result">
      <h3 id="test-result-heading" className="test-result__heading">
        API test passed
      </h3>
      <dl className="facts facts--compact">
        <div className="facts__row">
          <dt>Account</dt>
          <dd>
            {account.name} <span className="muted">(ID {account.id})</span>
          </dd>
        </div>
        <div className="facts__row">
          <dt>Duration</dt>
          <dd>{n(Math.round(durationMs))} ms</dd>
        </div>
        {cost ? (
          <>
            <div className="facts__row">
              <dt>Query cost</dt>
              <dd>
                {n(cost.requestedQueryCost)} requested, {n(cost.actualQueryCost)} actual
              </dd>
            </div>
            <div className="facts__row">
              <dt>Available</dt>
              <dd>
                {n(cost.currentlyAvailable)} of {n(cost.maximumAvailable)}
              </dd>
            </div>
            <div className="facts__row">
              <dt>Restore rate</dt>
              <dd>{n(cost.restoreRate)} per second</dd>
            </div>
          </>
        ) : (
          <div className="facts__row">
            <dt>Query cost</dt>
            <dd>Not reported by Jobber</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
