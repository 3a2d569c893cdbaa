/**
 * The window's panes: the resource tree beside the detail pane, the task and alert panel under both, each
 * resizable by dragging (or the keyboard: focus a divider, arrows resize, Home/End go to the limits) and
 * collapsible; sizes and collapsed panes are remembered for the user (localStorage: the user's profile in
 * Electron and in the browser), read back through a check, so a damaged value gives the default layout.
 */
import { useCallback, useState, type ReactNode, type RefObject } from 'react';
import { Group, Panel, Separator, useDefaultLayout, usePanelRef, type LayoutStorage, type PanelImperativeHandle } from 'react-resizable-panels';
import { z } from 'zod';

const layoutSchema = z.record(z.string().max(64), z.number().min(0).max(100)).refine((l) => Object.keys(l).length <= 8);

/** localStorage, guarded: unreadable or malformed layouts read as none (the defaults), a full storage loses the layout only. */
export const layoutStorage: LayoutStorage = {
  getItem(key) {
    try {
      const raw = globalThis.localStorage?.getItem(key) ?? null;
      if (raw === null) return null;
      return layoutSchema.safeParse(JSON.parse(raw)).success ? raw : null;
    } catch {
      return null;
    }
  },
  setItem(key, value) {
    try {
      globalThis.localStorage?.setItem(key, value);
    } catch {
      // Storage disabled or full: the layout lasts for the session.
    }
  },
};

/** Collapse or expand a pane, and whether it is collapsed (follows drags and the dividers' keys too). */
function usePaneToggle(): { ref: RefObject<PanelImperativeHandle | null>; collapsed: boolean; toggle: () => void; onResize: () => void } {
  const ref = usePanelRef();
  const [collapsed, setCollapsed] = useState(false);
  const onResize = useCallback(() => setCollapsed(Boolean(ref.current?.isCollapsed())), [ref]);
  const toggle = useCallback(() => {
    const panel = ref.current;
    if (!panel) return;
    if (panel.isCollapsed()) panel.expand();
    else panel.collapse();
    setCollapsed(panel.isCollapsed());
  }, [ref]);
  return { ref, collapsed, toggle, onResize };
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
  const tree = usePaneToggle();
  const bottom = usePaneToggle();
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
      <Panel id="bottom" panelRef={bottom.ref} onResize={bottom.onResize} collapsible collapsedSize="34px" minSize="110px" defaultSize="220px" maxSize="75%" className="app-pane">
        {bottomNode}
      </Panel>
    </Group>
    </>
  );
}
