import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiProblem, type Connection, type Problem } from './api/client';

/** A modal dialog (the native <dialog>: focus kept inside, Escape closes it). */
export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    dialog.showModal();
    // Into the dialog: its first usable control, else the dialog itself.
    const first = dialog.querySelector<HTMLElement>(
      'input:not([disabled]), select:not([disabled]), button:not([disabled])',
    );
    (first ?? dialog).focus();
  }, []);
  return (
    <dialog
      ref={ref}
      tabIndex={-1}
      aria-labelledby="dialog-title"
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id="dialog-title">{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** A refused call, in words, with its code (linked to the troubleshooting page). */
export function ProblemNotice(props: { problem: Problem | null }) {
  const { problem } = props;
  if (!problem) return null;
  const wait = problem.retryAfterSeconds
    ? ` Try again in ${problem.retryAfterSeconds} seconds.`
    : '';
  return (
    <div class="notice error" role="alert">
      <strong>{problem.title}</strong> {problem.detail}
      {wait}{' '}
      <a href={`#/troubleshooting/${problem.code}`}>
        <code>{problem.code}</code>: what to do
      </a>
    </div>
  );
}

export function asProblem(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  return {
    type: 'about:blank',
    title: 'Unexpected error',
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
    code: 'CONSOLE_ERROR',
  };
}

const STATUS_LOOK: Record<Connection['status'], { symbol: string; label: string }> = {
  active: { symbol: '●', label: 'Active' },
  expired: { symbol: '▲', label: 'Expired' },
  error: { symbol: '■', label: 'Error' },
};

/** Green active, yellow expired, red error: a shape as well as a colour, and the reason. */
export function StatusIcon(props: { status: Connection['status']; reason?: string | null }) {
  const look = STATUS_LOOK[props.status];
  const text = props.reason ? `${look.label}: ${props.reason}` : look.label;
  return (
    <span class={`status status-${props.status}`} title={text}>
      <span aria-hidden="true">{look.symbol}</span>
      <span class="status-text">{text}</span>
    </span>
  );
}

/** Loads on mount and on `reload()`; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (value) => live && (setData(value), setProblem(null)),
      (error: unknown) => live && setProblem(asProblem(error)),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, problem, reload: () => setTick((n) => n + 1) };
}

/** A button the role may not use: disabled, with the reason next to it. */
export function Guarded(props: {
  allowed: boolean;
  reason: string;
  onClick: () => void;
  children: ComponentChildren;
  class?: string;
}) {
  const [id] = useState(() => `why-${Math.random().toString(36).slice(2)}`);
  return (
    <span class="guarded">
      <button
        type="button"
        class={props.class}
        disabled={!props.allowed}
        aria-describedby={props.allowed ? undefined : id}
        onClick={props.onClick}
      >
        {props.children}
      </button>
      {!props.allowed && (
        <small id={id} class="why">
          {props.reason}
        </small>
      )}
    </span>
  );
}

export const formatInstant = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' }) + ' UTC' : '—';
