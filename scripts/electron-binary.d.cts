/** Types for scripts/electron-binary.cjs (imported by the TypeScript e2e test). */
export declare function electronBinary(options?: {
  root?: string;
  env?: Record<string, string | undefined>;
  platform?: string;
}): string | null;
