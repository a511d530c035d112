import type { Mode } from '@calmdesk/shared';

const PATHS: Record<Mode, string> = {
  // A map pin.
  in_person:
    'M8 1.5a4.5 4.5 0 0 0-4.5 4.5c0 3.4 4.5 8.5 4.5 8.5s4.5-5.1 4.5-8.5A4.5 4.5 0 0 0 8 1.5Zm0 6.3a1.8 1.8 0 1 1 0-3.6 1.8 1.8 0 0 1 0 3.6Z',
  // A camera.
  video: 'M1.5 4.5h8.5a1 1 0 0 1 1 1v1.3l3.5-2v6.4l-3.5-2v1.3a1 1 0 0 1-1 1H1.5a1 1 0 0 1-1-1v-5a1 1 0 0 1 1-1Z',
  // A handset.
  phone:
    'M4.2 1.5 6 4.8 4.8 6.2a8.6 8.6 0 0 0 5 5l1.4-1.2 3.3 1.8-.6 2.5c-.1.5-.6.8-1.1.7C6.8 14.3 1.7 9.2 1 3.2c-.1-.5.2-1 .7-1.1l2.5-.6Z',
  // A speech bubble.
  async: 'M2 2.5h12a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H7l-3.5 3v-3H2a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1Z',
};

/** A small pictogram of how the session takes place; decorative (the label is written next to it). */
export function ModeIcon({ mode, size = 12 }: { mode: Mode; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false" style={{ flex: 'none' }}>
      <path d={PATHS[mode]} fill="currentColor" />
    </svg>
  );
}
