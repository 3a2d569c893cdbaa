/**
 * Keeps a rendering failure from blanking the window: the failed region shows what went wrong and a
 * way to try again, the rest of the app keeps working. Wrap the whole app and each big region.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Names the region in the message ("the detail pane"). */
  region: string;
  children: ReactNode;
}

interface State {
  error: Error | undefined;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn(`XenDeck: ${this.props.region} failed to render`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    const code = (error as { code?: unknown }).code;
    return (
      <div role="alert" className="error-panel">
        <h2>Something went wrong in {this.props.region}</h2>
        <p>{error.message}</p>
        {typeof code === 'string' && <p className="error-code">{code}</p>}
        <button type="button" className="button" onClick={() => this.setState({ error: undefined })}>
          Try again
        </button>
      </div>
    );
  }
}
