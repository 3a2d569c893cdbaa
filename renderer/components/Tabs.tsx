/**
 * Tabs on Radix Tabs (WAI-ARIA tabs pattern, automatic activation): role=tablist/tab/tabpanel, one tab
 * stop, Left/Right/Home/End move between tabs. Only the selected panel is rendered, so a hidden tab's
 * view does no work. The tab strip wraps onto a second line in a narrow window rather than clipping
 * its last tabs.
 */
import * as RadixTabs from '@radix-ui/react-tabs';
import type { ReactNode } from 'react';

export interface TabDef {
  id: string;
  label: string;
}

export function Tabs(props: { label: string; tabs: TabDef[]; selected: string; onSelect: (id: string) => void; children: ReactNode }) {
  const { label, tabs, onSelect, children } = props;
  const selected = tabs.some((t) => t.id === props.selected) ? props.selected : (tabs[0]?.id ?? '');
  return (
    <RadixTabs.Root className="tabs" value={selected} onValueChange={onSelect} activationMode="automatic">
      <RadixTabs.List aria-label={label} className="tablist">
        {tabs.map((tab) => (
          <RadixTabs.Trigger key={tab.id} value={tab.id} className="tab">
            {tab.label}
          </RadixTabs.Trigger>
        ))}
      </RadixTabs.List>
      <RadixTabs.Content value={selected} className="tabpanel">
        {children}
      </RadixTabs.Content>
    </RadixTabs.Root>
  );
}
