/**
 * The bottom of the window: Tasks and Alerts as two tabs (XenCenter's Events and Alerts views), with
 * counts in the tab names. Both stay subscribed while hidden so no finished task is missed.
 */
import { useState } from 'react';
import { Tabs } from '../../components/Tabs';
import { AlertsPanel, useAlertCount } from '../alerts/AlertsPanel';
import { TaskPanel, useRunningTaskCount } from './TaskPanel';
import './tasks.css';

export function BottomPanel() {
  const [tab, setTab] = useState('tasks');
  const running = useRunningTaskCount();
  const alerts = useAlertCount();
  return (
    <section className="bottom-panel" aria-label="Tasks and alerts">
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
