/**
 * What the crash harness's parent and child agree on, with no imports: the steps of one refresh as
 * the child reports them (in order) and the vault's file name. The parent reads these without
 * loading the engine or its store.
 */
export const REFRESH_PHASES = ['marker-save', 'marker-saved', 'request', 'response', 'pair-save', 'pair-saved'] as const;
export type RefreshPhase = (typeof REFRESH_PHASES)[number];

/** The vault's file name (without `.json`) in the child's store directory. */
export const CRASH_STORE_NAME = 'crash-connection';
