/**
 * Tooltips on Radix Tooltip: shown on hover after a short delay and at once on keyboard focus, hidden on
 * Esc, placed to stay inside the window; the trigger is described by the text while it shows. Wrap one
 * element that takes a ref (a button, a span). A disabled control must be `aria-disabled` rather than
 * `disabled` to get its tooltip: a `disabled` button receives no pointer or focus events.
 *
 *   <TooltipProvider>…the window…</TooltipProvider>          // once, in App.tsx
 *   <Tooltip content="The VM is not running.">{button}</Tooltip>
 */
import * as RadixTooltip from '@radix-ui/react-tooltip';
import { useState, type HTMLAttributes, type ReactElement, type ReactNode, type Ref } from 'react';
import './tooltip.css';

export function TooltipProvider({ children }: { children: ReactNode }) {
  return (
    <RadixTooltip.Provider delayDuration={450} skipDelayDuration={300}>
      {children}
    </RadixTooltip.Provider>
  );
}

export interface TooltipProps extends Omit<HTMLAttributes<HTMLElement>, 'content' | 'children'> {
  /** Nothing to say: the child is drawn without a tooltip. */
  content: ReactNode;
  children: ReactElement;
  side?: 'top' | 'right' | 'bottom' | 'left';
  /** Controlled: shown while true (the tree shows a row's full name while the row is hovered). */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  ref?: Ref<HTMLElement>;
}

/**
 * Other props and the ref go to the trigger (the child), so a tooltip can itself be the child of another
 * `asChild` trigger: a toolbar button that opens a menu is `<DropdownMenu trigger={<Tooltip>{button}</Tooltip>}>`,
 * which keeps the menu outside the tooltip's trigger (its pointer and focus events would otherwise reach the
 * tooltip through React's tree and open it over the menu).
 */
export function Tooltip({ content, children, side = 'bottom', open, onOpenChange, ref, ...triggerProps }: TooltipProps) {
  if (content === undefined || content === null || content === '') {
    if (!ref && Object.keys(triggerProps).length === 0) return children;
    // Nothing to say, but props to pass on: the trigger still merges them onto the child (it never opens).
    return (
      <RadixTooltip.Root open={false}>
        <RadixTooltip.Trigger asChild ref={ref as Ref<HTMLButtonElement>} {...triggerProps}>
          {children}
        </RadixTooltip.Trigger>
      </RadixTooltip.Root>
    );
  }
  return (
    <RadixTooltip.Root open={open} onOpenChange={onOpenChange} disableHoverableContent>
      <RadixTooltip.Trigger asChild ref={ref as Ref<HTMLButtonElement>} {...triggerProps}>
        {children}
      </RadixTooltip.Trigger>
      <RadixTooltip.Portal>
        <RadixTooltip.Content className="tooltip" side={side} sideOffset={4} collisionPadding={8}>
          {content}
        </RadixTooltip.Content>
      </RadixTooltip.Portal>
    </RadixTooltip.Root>
  );
}

/**
 * A tooltip that repeats a description the control always carries (a disabled item's reason): while the
 * tooltip shows, it describes the control itself, so `describedBy` gives the id to use only while it is
 * hidden (the reason is then read once, not twice).
 */
export function useDescribingTooltip(descriptionId: string): { open: boolean; onOpenChange: (open: boolean) => void; describedBy: string | undefined } {
  const [open, setOpen] = useState(false);
  return { open, onOpenChange: setOpen, describedBy: open ? undefined : descriptionId };
}
