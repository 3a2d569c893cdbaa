/** Label/value rows as in XenCenter's General tab; a description list, so screen readers pair them. */
import type { ReactNode } from 'react';

export function PropertyList({ title, rows }: { title: string; rows: Array<[label: string, value: ReactNode]> }) {
  return (
    <section className="property-section" aria-label={title}>
      <h3 className="section-title">{title}</h3>
      <dl className="property-list">
        {rows.map(([label, value]) => (
          <div key={label} className="property-row">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
