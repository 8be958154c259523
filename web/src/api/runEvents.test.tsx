import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeEventSource, installFakeEventSource } from '../test/fakeEventSource';
import { logLine, logLines, run, runningRun } from '../test/runFixtures';
import { LogBuffer } from './logBuffer';
import { defaultReconnectDelayMs, useRunEvents } from './runEvents';
import type { Run } from './runs';

// Timers and animation frames are fake: a batch of lines reaches React only when the test
// runs the frame, and a reconnection waits exactly its delay.
beforeEach(() => {
  installFakeEventSource();
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'],
  });
});

afterEach(() => {
  vi.useRealTimers();
});

function nextFrame() {
  act(() => {
    vi.advanceTimersToNextFrame();
  });
}

describe('useRunEvents', () => {
  it('batches the lines of a frame into one update', () => {
    let renders = 0;
    const { result } = renderHook(() => {
      renders += 1;
      return useRunEvents('r1');
    });
    const source = FakeEventSource.latest();
    source.open();
    const before = renders;
    source.lines(logLines(500));
    expect(result.current.lines).toHaveLength(500);
    expect(result.current.version).toBe(0);
    expect(renders).toBe(before);
    nextFrame();
    expect(result.current.version).toBe(1);
    expect(renders).toBe(before + 1);
  });

  it('reports status and end runs and progress, and closes at the end', () => {
    const onRun = vi.fn<(run: Run) => void>();
    const onEnd = vi.fn<(run: Run) => void>();
    const onProgress = vi.fn();
    const { result } = renderHook(() => useRunEvents('r1', { onRun, onEnd, onProgress }));
    const source = FakeEventSource.latest();
    source.open();
    source.emit('status', { type: 'status', run: runningRun() });
    expect(onRun).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'running' }));
    source.emit('status', { type: 'progress', progress: { rows: 10000 } });
    source.emit('status', { type: 'progress', progress: { rows: 20000 } });
    expect(onProgress).not.toHaveBeenCalled();
    nextFrame();
    expect(onProgress.mock.calls).toEqual([[{ rows: 20000 }]]);

    source.emit('end', { type: 'end', run: run({ status: 'failed' }) });
    expect(onEnd).toHaveBeenCalledWith(expect.objectContaining({ status: 'failed' }));
    expect(onRun).toHaveBeenLastCalledWith(expect.objectContaining({ status: 'failed' }));
    expect(result.current.connection).toBe('ended');
    expect(source.closed).toBe(true);
    act(() => {
      vi.runAllTimers();
    });
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('drops lines repeated after the browser resumed the stream by itself', () => {
    const { result } = renderHook(() => useRunEvents('r1'));
    const source = FakeEventSource.latest();
    source.open();
    source.lines(logLines(3));
    source.drop();
    expect(result.current.connection).toBe('reconnecting');
    source.open();
    source.lines([logLine(2), logLine(3), logLine(4)]);
    nextFrame();
    expect(result.current.lines.map((line) => line.seq)).toEqual([1, 2, 3, 4]);
    expect(result.current.connection).toBe('live');
    expect(FakeEventSource.instances).toHaveLength(1);
  });

  it('opens a new stream after the last seq once the browser gave up, backing off', () => {
    const { result } = renderHook(() => useRunEvents('r 1'));
    const first = FakeEventSource.latest();
    expect(first.url).toBe('/api/v1/runs/r%201/events');
    first.open();
    first.lines(logLines(42));
    first.fail();
    expect(result.current.connection).toBe('reconnecting');
    expect(first.closed).toBe(true);

    act(() => {
      vi.advanceTimersByTime(defaultReconnectDelayMs(1) - 1);
    });
    expect(FakeEventSource.instances).toHaveLength(1);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    const second = FakeEventSource.latest();
    expect(second).not.toBe(first);
    expect(second.url).toBe('/api/v1/runs/r%201/events?after=42');

    // It fails again before opening: the wait doubles.
    second.fail();
    act(() => {
      vi.advanceTimersByTime(defaultReconnectDelayMs(2) - 1);
    });
    expect(FakeEventSource.instances).toHaveLength(2);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    const third = FakeEventSource.latest();
    expect(third.url).toBe('/api/v1/runs/r%201/events?after=42');
    third.open();
    expect(result.current.connection).toBe('live');
    third.lines([logLine(42), logLine(43)]);
    nextFrame();
    expect(result.current.lines.map((line) => line.seq).slice(-3)).toEqual([41, 42, 43]);
    expect(result.current.lines).toHaveLength(43);
  });

  it('closes the stream and stops retrying when unmounted', () => {
    const { unmount } = renderHook(() => useRunEvents('r1'));
    const source = FakeEventSource.latest();
    source.fail();
    unmount();
    act(() => {
      vi.runAllTimers();
    });
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(source.closed).toBe(true);
  });

  it('does not connect while disabled', () => {
    renderHook(() => useRunEvents('r1', { enabled: false }));
    expect(FakeEventSource.instances).toHaveLength(0);
  });

  it('waits 1, 2, 4, 8 seconds and then at most 15', () => {
    expect([1, 2, 3, 4, 5, 9].map(defaultReconnectDelayMs)).toEqual([
      1_000, 2_000, 4_000, 8_000, 15_000, 15_000,
    ]);
  });
});

describe('LogBuffer', () => {
  it('keeps lines in seq order and ignores repeats', () => {
    const buffer = new LogBuffer();
    expect(buffer.lastSeq).toBe(0);
    expect(buffer.append(logLine(1))).toBe(true);
    expect(buffer.append(logLine(2))).toBe(true);
    expect(buffer.append(logLine(2))).toBe(false);
    expect(buffer.append(logLine(1))).toBe(false);
    expect(buffer.lastSeq).toBe(2);
    expect(buffer.lines.map((line) => line.seq)).toEqual([1, 2]);
  });
});
