// The live log and status of one run: GET /api/v1/runs/{id}/events as Server-Sent Events.
//
// The server sends a `status` event with the run, every stored line after the requested seq
// as `log` events (id = seq), then live lines and `status` events (data {type: "status", run}
// or {type: "progress", progress}), and a final `end` event with the finished run, after
// which it closes the stream. Heartbeats are comments, which EventSource never reports.
//
// Reconnecting: while the browser retries a dropped stream by itself (readyState CONNECTING)
// it sends Last-Event-ID, and the server resumes after it. When the browser gives up (readyState
// CLOSED, e.g. an HTTP error), a new EventSource is opened after a delay with ?after=<last
// seq>. Either way no line is lost, and a repeated one would be dropped by the LogBuffer.
import { useEffect, useMemo, useRef, useState } from 'react';
import { LogBuffer } from './logBuffer';
import { type LogLine, type Run, runEventsPath } from './runs';

/** Connecting for the first time, receiving, waiting to reconnect, or finished (stream closed). */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended';
export type RunProgress = Run['progress'];

export interface RunEventsOptions {
  /** False: do not connect (e.g. the run does not exist). Default true. */
  enabled?: boolean;
  /** A `status` or `end` event's run: the run as it is now. */
  onRun?: (run: Run) => void;
  /** The latest `progress` event's object, at most once per animation frame. */
  onProgress?: (progress: RunProgress) => void;
  /** The `end` event: the run has finished; nothing follows. */
  onEnd?: (run: Run) => void;
  /** Wait before opening a new stream after the browser gave up, by attempt (1, 2, ...). */
  reconnectDelayMs?: (attempt: number) => number;
}

export interface RunEvents {
  /** Every line received, in seq order. Grows in place; re-read it when `version` changes. */
  lines: readonly LogLine[];
  /** Changes when lines were added: at most once per animation frame. */
  version: number;
  connection: ConnectionState;
}

/** 1 s, 2 s, 4 s ... at most 15 s. */
export function defaultReconnectDelayMs(attempt: number): number {
  return Math.min(15_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}

type StatusData = { type: 'status'; run: Run } | { type: 'progress'; progress: RunProgress };
type EndData = { type: 'end'; run: Run };

function parse<T>(data: unknown): T | null {
  if (typeof data !== 'string') return null;
  try {
    return JSON.parse(data) as T;
  } catch {
    return null;
  }
}

function isLogLine(value: unknown): value is LogLine {
  const line = value as Partial<LogLine> | null;
  return typeof line?.seq === 'number' && typeof line.message === 'string';
}

/** Runs `callback` before the next paint (or soon, where there are no animation frames). */
function nextFrame(callback: () => void): () => void {
  if (typeof requestAnimationFrame === 'function') {
    const id = requestAnimationFrame(callback);
    return () => cancelAnimationFrame(id);
  }
  const id = setTimeout(callback, 0);
  return () => clearTimeout(id);
}

/**
 * Streams run `runId`'s log and status while the component is mounted. Lines go into a buffer
 * held across renders; the component re-renders once per animation frame in which lines (or
 * progress) arrived, so call it in the component that shows the lines, not the whole page.
 * Callbacks are read on each event, so they need not be stable.
 */
export function useRunEvents(runId: string, options: RunEventsOptions = {}): RunEvents {
  const enabled = options.enabled ?? true;
  // A fresh buffer per run; mount the caller per run (key it by id) so the rest starts fresh.
  const buffer = useMemo(() => new LogBuffer(), [runId]);
  const [version, setVersion] = useState(0);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    if (!enabled) return undefined;
    // Every browser the app supports has EventSource; a test environment may not.
    if (typeof EventSource === 'undefined') return undefined;
    let source: EventSource | null = null;
    let ended = false;
    let failures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let cancelFlush: (() => void) | null = null;
    let pendingLines = false;
    let pendingProgress: RunProgress | null = null;

    const flush = () => {
      cancelFlush = null;
      if (pendingLines) {
        pendingLines = false;
        setVersion((v) => v + 1);
      }
      if (pendingProgress) {
        const latest = pendingProgress;
        pendingProgress = null;
        optionsRef.current.onProgress?.(latest);
      }
    };
    const scheduleFlush = () => {
      if (!cancelFlush) cancelFlush = nextFrame(flush);
    };

    const open = () => {
      retryTimer = null;
      const next = new EventSource(runEventsPath(runId, buffer.lastSeq), {
        withCredentials: true,
      });
      source = next;
      next.onopen = () => {
        failures = 0;
        setConnection('live');
      };
      next.addEventListener('log', (event) => {
        const line = parse<unknown>((event as MessageEvent).data);
        if (isLogLine(line) && buffer.append(line)) {
          pendingLines = true;
          scheduleFlush();
        }
      });
      next.addEventListener('status', (event) => {
        const data = parse<StatusData>((event as MessageEvent).data);
        if (data?.type === 'status' && data.run) optionsRef.current.onRun?.(data.run);
        if (data?.type === 'progress' && data.progress) {
          pendingProgress = data.progress;
          scheduleFlush();
        }
      });
      next.addEventListener('end', (event) => {
        const data = parse<EndData>((event as MessageEvent).data);
        ended = true;
        next.close();
        setConnection('ended');
        if (data?.run) {
          optionsRef.current.onRun?.(data.run);
          optionsRef.current.onEnd?.(data.run);
        }
      });
      next.onerror = () => {
        if (ended) return;
        setConnection('reconnecting');
        if (next.readyState !== EventSource.CLOSED) return; // the browser retries by itself
        next.close();
        failures += 1;
        const delay = (optionsRef.current.reconnectDelayMs ?? defaultReconnectDelayMs)(failures);
        retryTimer = setTimeout(open, delay);
      };
    };

    setConnection('connecting');
    open();
    return () => {
      ended = true;
      source?.close();
      if (retryTimer) clearTimeout(retryTimer);
      cancelFlush?.();
    };
  }, [runId, enabled, buffer]);

  return { lines: buffer.lines, version, connection };
}
