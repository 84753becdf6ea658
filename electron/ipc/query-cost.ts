/**
 * The cost block of a Jobber GraphQL response, flattened. A pure type in its own file so the IPC
 * contract (and through it the renderer) can share it without pulling in engine code.
 */
export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number;
  currentlyAvailable: number;
  maximumAvailable: number;
  restoreRate: number;
}
