/**
 * The one wizard frame (New VM, Copy VM, and the migration and HA wizards): a step list beside the page,
 * Back / Next / Finish / Cancel under it. Each page validates on Next (and may wait for its background
 * checks); Back keeps what was entered; a page can be skipped for a state; the last page is a summary.
 * Nothing is sent to a pool before Finish: Finish closes the wizard and hands its state to the caller,
 * which starts the tasks (they show in the task panel). Cancel closes it and stops its checks, leaving
 * nothing behind. How a feature uses it: README.md beside this file.
 *
 * Keyboard and screen readers: a dialog named by the wizard; the steps are an ordered list with the
 * current one marked (aria-current="step"); each page is a form named by its heading, so Enter in a
 * field means Next; on a new page focus goes to its `data-autofocus` field, else its heading; on a
 * refused Next, to the first field in error. Esc cancels.
 */
import { createContext, useContext, useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { CheckRunner, hasErrors, pageAfter, pageBefore, visiblePages, type CheckState, type PageErrors, type SummaryRow, type WizardPage, type WizardPageProps } from './wizard-model';
import './wizard.css';

export type { CheckState, PageErrors, SummaryRow, WizardChecks, WizardPage, WizardPageProps } from './wizard-model';

const ChecksContext = createContext<CheckRunner | undefined>(undefined);

/**
 * A background check of the wizard, for a page to draw (a live pre-check per host): started when the page
 * first shows it, answered once per key for the wizard's life, stopped when the wizard closes. `key`
 * undefined: no check. The work must only read (assert_* and get_* calls): a wizard sends nothing before Finish.
 */
export function useWizardCheck<T>(key: string | undefined, work: (signal: AbortSignal) => Promise<T>): CheckState<T> | undefined {
  const runner = useContext(ChecksContext);
  if (!runner) throw new Error('useWizardCheck() outside a <Wizard>');
  const state = useSyncExternalStore(runner.subscribe, () => (key === undefined ? undefined : runner.get<T>(key)));
  const workRef = useRef(work);
  useEffect(() => {
    workRef.current = work;
  });
  useEffect(() => {
    if (key !== undefined) void runner.run(key, (signal) => workRef.current(signal));
  }, [runner, key]);
  return key === undefined ? undefined : (state ?? { status: 'checking' });
}

export interface WizardProps<S> {
  /** The dialog's name ("New VM", "Copy web-01"). */
  title: string;
  pages: readonly WizardPage<S>[];
  initial: S;
  /** The summary page's rows: what Finish will do. */
  summary: (state: S) => SummaryRow[];
  /** Extra content on the summary page (XenCenter's "Start the new VM automatically"). */
  summaryExtra?: (props: WizardPageProps<S>) => ReactNode;
  finishLabel?: string;
  /** Finish: the wizard has closed; start the tasks from `state`. */
  onFinish: (state: S) => void;
  /** Cancel, Esc or the close button: nothing was sent. */
  onCancel: () => void;
}

const SUMMARY = '__summary';

function focusPage(root: HTMLElement | null, errors?: PageErrors) {
  if (!root) return;
  const target =
    (errors && hasErrors(errors) ? (root.querySelector<HTMLElement>('[aria-invalid="true"]') ?? root.querySelector<HTMLElement>('[role="alert"]')) : undefined) ??
    root.querySelector<HTMLElement>('[data-autofocus]') ??
    root.querySelector<HTMLElement>('.wizard-page-title');
  target?.focus();
}

export function Wizard<S>({ title, pages, initial, summary, summaryExtra, finishLabel = 'Finish', onFinish, onCancel }: WizardProps<S>) {
  const id = useId();
  const [runner] = useState(() => new CheckRunner());
  useEffect(() => () => runner.dispose(), [runner]);
  const [state, setState] = useState<S>(initial);
  const [current, setCurrent] = useState<string>(() => visiblePages(pages, initial)[0]?.id ?? SUMMARY);
  const [errors, setErrors] = useState<Record<string, PageErrors>>({});
  const [validating, setValidating] = useState(false);
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set([current]));
  const formRef = useRef<HTMLFormElement>(null);
  const closed = useRef(false);
  const focusAfter = useRef<PageErrors | undefined>(undefined);

  const steps = visiblePages(pages, state);
  const page = steps.find((p) => p.id === current);
  const onSummary = !page;
  const stepIndex = onSummary ? steps.length : steps.indexOf(page);
  const pageErrors = (page && errors[page.id]) ?? {};

  // Focus follows the page (and the first problem after a refused Next).
  useEffect(() => {
    focusPage(formRef.current, focusAfter.current);
    focusAfter.current = undefined;
  }, [current, errors]);

  const update = (patch: Partial<S> | ((s: S) => Partial<S>)) => {
    setState((s) => ({ ...s, ...(typeof patch === 'function' ? patch(s) : patch) }));
    // Editing a field clears its message; the next Next checks everything again.
    if (!page) return;
    const keys = Object.keys(typeof patch === 'function' ? patch(state) : patch);
    setErrors((e) => {
      const mine = e[page.id];
      if (!mine || !keys.some((k) => mine[k])) return e;
      return { ...e, [page.id]: Object.fromEntries(Object.entries(mine).filter(([k]) => !keys.includes(k))) };
    });
  };

  const go = (target: string) => {
    setCurrent(target);
    setVisited((v) => new Set(v).add(target));
  };

  const next = async () => {
    if (validating || closed.current) return;
    if (!page) {
      closed.current = true;
      runner.dispose();
      onFinish(state);
      return;
    }
    let found: PageErrors = {};
    try {
      const result = page.validate?.(state, runner) ?? {};
      // Only a validation that waits (for a background check) shows "Checking…" on the button.
      if (result instanceof Promise) {
        setValidating(true);
        found = await result.finally(() => setValidating(false));
      } else found = result;
    } catch (err) {
      found = { page: err instanceof Error ? err.message : String(err) };
    }
    if (closed.current) return;
    if (hasErrors(found)) {
      focusAfter.current = found;
      setErrors((e) => ({ ...e, [page.id]: found }));
      return;
    }
    setErrors((e) => ({ ...e, [page.id]: {} }));
    go(pageAfter(pages, state, page.id)?.id ?? SUMMARY);
  };

  const back = () => {
    const previous = pageBefore(pages, state, page?.id);
    if (previous) go(previous.id);
  };

  const cancel = () => {
    if (closed.current) return;
    closed.current = true;
    runner.dispose();
    onCancel();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void next();
  };

  const props: WizardPageProps<S> = { state, update, errors: pageErrors, fieldId: (name) => `${id}-${current}-${name}` };
  const headingId = `${id}-heading`;
  const stepWords = `Step ${stepIndex + 1} of ${steps.length + 1}`;

  return (
    <Dialog
      title={title}
      width="wizard"
      onClose={cancel}
      footer={
        <>
          <button type="button" className="button wizard-cancel" onClick={cancel}>
            Cancel
          </button>
          <span className="wizard-footer-gap" />
          <button type="button" className="button" onClick={back} disabled={stepIndex === 0 || validating}>
            &lt; Back
          </button>
          <button type="submit" form={`${id}-form`} className="button button-primary" disabled={validating} aria-busy={validating || undefined}>
            {validating ? 'Checking…' : onSummary ? finishLabel : 'Next >'}
          </button>
        </>
      }
    >
      <div className="wizard">
        <nav className="wizard-steps" aria-label="Steps">
          <ol>
            {[...steps.map((p) => ({ id: p.id, title: p.title })), { id: SUMMARY, title: 'Summary' }].map((step, i) => {
              const status = i < stepIndex ? 'done' : i === stepIndex ? 'current' : 'upcoming';
              const canJump = i < stepIndex && visited.has(step.id) && !validating;
              return (
                <li key={step.id} className={`wizard-step is-${status}`} aria-current={status === 'current' ? 'step' : undefined}>
                  {canJump ? (
                    <button type="button" className="wizard-step-link" onClick={() => go(step.id)}>
                      {step.title}
                    </button>
                  ) : (
                    <span>{step.title}</span>
                  )}
                </li>
              );
            })}
          </ol>
        </nav>
        <ChecksContext.Provider value={runner}>
          <form ref={formRef} id={`${id}-form`} className="wizard-page" aria-labelledby={headingId} onSubmit={submit} noValidate>
            <header className="wizard-page-header">
              <h3 id={headingId} className="wizard-page-title" tabIndex={-1}>
                {page ? page.title : 'Summary'}
              </h3>
              <span className="wizard-step-count muted">{stepWords}</span>
            </header>
            {page?.description && <p className="wizard-page-description muted">{page.description}</p>}
            {page ? (
              page.render(props)
            ) : (
              <>
                <dl className="wizard-summary" aria-label="Summary">
                  {summary(state).map((row) => (
                    <div key={row.label} className="property-row">
                      <dt>{row.label}</dt>
                      <dd>{row.value}</dd>
                    </div>
                  ))}
                </dl>
                {summaryExtra?.(props)}
              </>
            )}
            {pageErrors.page && (
              <p className="field-error" role="alert">
                {pageErrors.page}
              </p>
            )}
          </form>
        </ChecksContext.Provider>
      </div>
    </Dialog>
  );
}
