// A stand-in for the browser's EventSource, installed on globalThis by tests. The test plays
// the server: open() the stream, emit() events, drop() it (the browser would retry by itself)
// or fail() it (the browser gave up). Every instance is kept in `instances`, newest last.
import { act } from '@testing-library/react';
import { vi } from 'vitest';
import type { LogLine } from '../api/runs';

type Listener = (event: MessageEvent) => void;

export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];

  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readonly url: string;
  readonly withCredentials: boolean;
  readyState = FakeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: Listener | null = null;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(url: string | URL, init?: EventSourceInit) {
    this.url = String(url);
    this.withCredentials = init?.withCredentials ?? false;
    FakeEventSource.instances.push(this);
  }

  /** The newest instance; fails the test when there is none. */
  static latest(): FakeEventSource {
    const last = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }

  addEventListener(type: string, listener: Listener): void {
    const set = this.listeners.get(type) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(type, set);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  get closed(): boolean {
    return this.readyState === FakeEventSource.CLOSED;
  }

  // -- the server's side --

  open(): void {
    act(() => {
      this.readyState = FakeEventSource.OPEN;
      this.onopen?.(new Event('open'));
    });
  }

  /** Sends an event (data as JSON) unless the client closed the stream. */
  emit(type: string, data: unknown, id = ''): void {
    if (this.closed) return;
    const event = new MessageEvent(type, { data: JSON.stringify(data), lastEventId: id });
    act(() => {
      for (const listener of this.listeners.get(type) ?? []) listener(event);
      if (type === 'message') this.onmessage?.(event);
    });
  }

  /** `log` events for `lines`, each with its seq as id, all in one act(). */
  lines(lines: LogLine[]): void {
    if (this.closed) return;
    act(() => {
      for (const line of lines) {
        const event = new MessageEvent('log', {
          data: JSON.stringify(line),
          lastEventId: String(line.seq),
        });
        for (const listener of this.listeners.get('log') ?? []) listener(event);
      }
    });
  }

  /** The connection broke; the browser retries by itself (readyState CONNECTING). */
  drop(): void {
    act(() => {
      this.readyState = FakeEventSource.CONNECTING;
      this.onerror?.(new Event('error'));
    });
  }

  /** The browser gave up (e.g. an HTTP error answer): readyState CLOSED, no retry. */
  fail(): void {
    act(() => {
      this.readyState = FakeEventSource.CLOSED;
      this.onerror?.(new Event('error'));
    });
  }
}

/** Puts FakeEventSource on globalThis for this test (undone after it by unstubGlobals). */
export function installFakeEventSource(): typeof FakeEventSource {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  return FakeEventSource;
}
