/**
 * A message box: a friendly headline (from wording.ts) with main's own message as detail.
 * Errors use role="alert" so they are read at once, successes role="status"; others stay quiet.
 */
import type { ReactNode } from 'react';

export type NoticeTone = 'error' | 'warning' | 'info' | 'success';

interface NoticeProps {
  tone: NoticeTone;
  headline: string;
  detail?: string | null | undefined;
  children?: ReactNode;
}

/** One message with an optional detail line. */
export function Notice({ tone, headline, detail, children }: NoticeProps) {
  return (
    <div className={`notice notice--${tone}`} role={tone === 'error' ? 'alert' : tone === 'success' ? 'status' : undefined}>
      <p className="notice__headline">{headline}</p>
      {detail ? <p className="notice__detail">Detail: {detail}</p> : null}
      {children}
    </div>
  );
}
