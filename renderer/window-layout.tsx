/**
 * The window's panes: the resource tree beside the detail pane, the task and alert panel under both, each
 * resizable by dragging (or the keyboard: focus a divider, arrows resize, Home/End go to the limits) and
 * collapsible; sizes and collapsed panes are remembered for the user (localStorage: the user's profile in
 * Electron and in the browser), read back through a check, so a damaged value gives the default layout.
 */
import { useCallback, useState, type ReactNode, type RefObject } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef, type LayoutStorage, type PanelImperativeHandle, type PanelSize } from 'react-resizable-panels';
import { z } from 'zod';
import { readPersisted, writePersisted } from './persisted';

const layoutSchema = z.record(z.string().max(64), z.number().min(0).max(100)).refine((l) => Object.keys(l).length <= 8);
/** A pane's size before it was collapsed, in percent. */
const expandedSchema = z.number().positive().max(100);

/**
 * The panels' storage, through persisted.ts: a stored layout comes back only if it passes the check (else the
 * defaults), and only layouts that pass it are written; a full or disabled storage loses the layout only.
 */
export const layoutStorage: LayoutStorage = {
  getItem(key) {
    const layout = readPersisted(key, layoutSchema.nullable(), null);
    return layout === null ? null : JSON.stringify(layout);
  },
  setItem(key, value) {
    const layout = layoutSchema.safeParse(JSON.parse(value));
    if (layout.success) writePersisted(key, layout.data);
  },
};

/** The size (percent) a pane had before it was collapsed, kept with the layout so it reopens at it after a restart. */
const expandedKey = (id: string) => `xendeck.layout.expanded.${id}`;
const readExpanded = (id: string): number | undefined => readPersisted(expandedKey(id), expandedSchema.optional(), undefined);

/** Collapse or expand a pane, and whether it is collapsed (follows drags and the dividers' keys too). */
type OnResize = (size: PanelSize, id: string | number | undefined, previous: PanelSize | undefined) => void;

function usePaneToggle(id: string): { ref: RefObject<PanelImperativeHandle | null>; collapsed: boolean; toggle: () => void; onResize: OnResize } {
  const ref = usePanelRef();
  const [collapsed, setCollapsed] = useState(false);
  const onResize = useCallback<OnResize>(
    (_size, _id, previous) => {
      const now = Boolean(ref.current?.isCollapsed());
      // Collapsing (by the button, a drag or the divider's Enter): remember the size it had.
      if (now && previous && previous.asPercentage > 0 && !collapsedAt(previous.asPercentage, ref.current)) writePersisted(expandedKey(id), previous.asPercentage);
      setCollapsed(now);
    },
    [ref, id],
  );
  const toggle = useCallback(() => {
    const panel = ref.current;
    if (!panel) return;
    if (panel.isCollapsed()) {
      const saved = readExpanded(id);
      if (saved) panel.resize(`${saved}%`);
      else panel.expand();
    } else panel.collapse();
    setCollapsed(panel.isCollapsed());
  }, [ref, id]);
  return { ref, collapsed, toggle, onResize };
}

/** Whether a size is the collapsed size itself (a collapsed pane resized again stays collapsed). */
function collapsedAt(percent: number, panel: PanelImperativeHandle | null): boolean {
  return Boolean(panel?.isCollapsed()) && Math.abs(panel!.getSize().asPercentage - percent) < 0.01;
}

export interface PaneControls {
  tree: { collapsed: boolean; toggle: () => void };
  bottom: { collapsed: boolean; toggle: () => void };
}

/**
 * The toolbar and the three panes under it; `render` and `toolbar` get the toggles (for the toolbar's
 * buttons and the bottom panel's own collapse button); `render` returns [tree, detail, bottom].
 */
export function WindowPanes({ render, toolbar }: { render: (controls: PaneControls) => [ReactNode, ReactNode, ReactNode]; toolbar: (controls: PaneControls) => ReactNode }) {
  const outer = useDefaultLayout({ id: 'xendeck.layout.window', storage: layoutStorage, panelIds: ['main', 'bottom'] });
  const inner = useDefaultLayout({ id: 'xendeck.layout.main', storage: layoutStorage, panelIds: ['tree', 'detail'] });
  const tree = usePaneToggle('tree');
  const bottom = usePaneToggle('bottom');
  const controls: PaneControls = { tree: { collapsed: tree.collapsed, toggle: tree.toggle }, bottom: { collapsed: bottom.collapsed, toggle: bottom.toggle } };
  const [treeNode, detailNode, bottomNode] = render(controls);
  return (
    <>
    {toolbar(controls)}
    <Group orientation="vertical" id="xendeck-window" className="app-panes" defaultLayout={outer.defaultLayout} onLayoutChanged={outer.onLayoutChanged}>
      <Panel id="main" minSize="160px" className="app-pane">
        <Group orientation="horizontal" id="xendeck-main" className="app-panes" defaultLayout={inner.defaultLayout} onLayoutChanged={inner.onLayoutChanged}>
          <Panel id="tree" panelRef={tree.ref} onResize={tree.onResize} collapsible collapsedSize="0px" minSize="180px" defaultSize="280px" maxSize="60%" className="app-pane">
            {treeNode}
          </Panel>
          <Separator className="pane-divider is-vertical" aria-label="Resize the resources pane (Enter hides or shows it)" />
          <Panel id="detail" minSize="320px" className="app-pane">
            {detailNode}
          </Panel>
        </Group>
      </Panel>
      <Separator className="pane-divider is-horizontal" aria-label="Resize the tasks and alerts pane" />
      <Panel id="bottom" panelRef={bottom.ref} onResize={bottom.onResize} collapsible collapsedSize="34px" minSize="110px" defaultSize="200px" maxSize="75%" className="app-pane">
        {bottomNode}
      </Panel>
    </Group>
    </>
  );
}
