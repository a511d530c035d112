import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on narrow screens. The region is focusable and named so
 * keyboard users can scroll it too.
 */
export function TableScroll({ label, minWidth, children }: { label: string; minWidth: number; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto' }}>
      <div style={{ minWidth }}>{children}</div>
    </div>
  );
}
