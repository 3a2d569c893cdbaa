/** A small coloured state label ("Connected", "Disconnected: HOST_OFFLINE"). */
export function StatusPill({ text, tone }: { text: string; tone: 'normal' | 'muted' | 'warning' }) {
  return <span className={`status-pill tone-${tone}`}>{text}</span>;
}
