/**
 * The bottom of the window: Tasks and Alerts as two tabs (XenCenter's Events and Alerts views), with
 * counts in the tab names, and a button that folds the pane down to its tab strip. Both stay subscribed
 * while hidden so no finished task is missed.
 */
import { useState } from 'react';
import { Icon } from '../../components/Icon';
import { Tabs } from '../../components/Tabs';
import { Tooltip } from '../../components/Tooltip';
import { AlertsPanel, useAlertCount } from '../alerts/AlertsPanel';
import { TaskPanel, useRunningTaskCount } from './TaskPanel';
import './tasks.css';

export function BottomPanel({ collapsed = false, onToggle }: { collapsed?: boolean; onToggle?: () => void }) {
  const [tab, setTab] = useState('tasks');
  const running = useRunningTaskCount();
  const alerts = useAlertCount();
  return (
    <section className={`bottom-panel${collapsed ? ' is-collapsed' : ''}`} aria-label="Tasks and alerts">
      {onToggle && (
        <Tooltip content={collapsed ? 'Show the tasks and alerts' : 'Fold the pane down'}>
          <button type="button" className="bottom-panel-toggle toolbar-button is-icon-only" aria-label={collapsed ? 'Show tasks and alerts' : 'Hide tasks and alerts'} aria-expanded={!collapsed} onClick={onToggle}>
            <Icon name={collapsed ? 'expand' : 'collapse'} />
          </button>
        </Tooltip>
      )}
      <Tabs
        label="Tasks and alerts"
        tabs={[
          { id: 'tasks', label: running ? `Tasks (${running} running)` : 'Tasks' },
          { id: 'alerts', label: alerts ? `Alerts (${alerts})` : 'Alerts' },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        {/* The task panel stays mounted: it records tasks as they finish, even while Alerts is shown. */}
        <div hidden={tab !== 'tasks'}>
          <TaskPanel />
        </div>
        {tab === 'alerts' && <AlertsPanel />}
      </Tabs>
    </section>
  );
}
